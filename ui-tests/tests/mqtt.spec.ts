/**
 * The students' MQTT menu against a real JupyterHub and a real Mosquitto broker:
 * - the teacher sets the class broker in the Classroom sidebar and tests it;
 * - a student inserts "Publish a JSON object" in a Java notebook (after "Connect"), runs it and
 *   an independent mosquitto_sub sees the message on class/<student>/sensor;
 * - in a Python notebook the same entry inserts Python; in a notebook of another language the
 *   entry is disabled and its tooltip says why;
 * - the teacher changes the port; the student's next page load inserts the new port;
 * - with JupyterLab in German, the menu and the sidebar read German (screenshot).
 */
import { expect, Page, test } from '@playwright/test';
import { spawn } from 'child_process';

import {
  classroomApi,
  hubState,
  loginToLab,
  openClassroom,
  saveNotebook,
  screenshot,
  setLabLocale,
  waitForLab
} from './hub';
import { addMavenJar, installJavaKernel, waitForKernelIdle } from './libs';
import { freePort, Subscriber, waitForPort } from './mosquitto';

/** The notebook of the current tab (hidden tabs may still count as visible). */
const CURRENT = '.jp-NotebookPanel:not(.lm-mod-hidden)';

/** Save a notebook into the logged-in user's server (contents API) and open it. */
async function openNotebook(
  page: Page,
  name: string,
  kernel: { name: string; display_name: string; language: string },
  code?: string,
  noKernel = false
): Promise<void> {
  const notebook = {
    cells: [
      code === undefined
        ? { cell_type: 'markdown', metadata: {}, source: `# ${name}` }
        : {
            cell_type: 'code',
            metadata: {},
            source: code,
            outputs: [],
            execution_count: null
          }
    ],
    metadata: { kernelspec: kernel },
    nbformat: 4,
    nbformat_minor: 5
  };
  const base = await saveNotebook(page, name, notebook);
  // ?reset: a fresh workspace, so this notebook is the only (and current) one
  await page.goto(`${hubState().url}${base}lab/tree/${name}?reset`);
  await waitForLab(page);
  await page.waitForSelector('.jp-NotebookPanel .jp-Cell', {
    timeout: 120_000
  });
  if (noKernel) {
    // no such kernel on the server: Lab asks which one to use
    const dialog = page.locator('.jp-Dialog', {
      hasText: /Select Kernel|Kernel auswählen/
    });
    await dialog.locator('.jp-Dialog-button.jp-mod-reject').click();
    await expect(dialog).toHaveCount(0);
  }
  await page.waitForTimeout(1000);
  // the first cell is the active cell: snippets go below it
  await page.locator(`${CURRENT} .jp-Cell`).first().click();
}

/** Open the MQTT menu of the main menu bar and return the entry `label`. */
async function mqttEntry(page: Page, label: string) {
  await page.locator('.lm-MenuBar-itemLabel', { hasText: /^MQTT$/ }).click();
  const menu = page.locator('#jp-classroom-mqtt-menu');
  await expect(menu).toBeVisible();
  return menu.locator('.lm-Menu-item', { hasText: label });
}

async function insert(page: Page, label: string): Promise<void> {
  const entry = await mqttEntry(page, label);
  await expect(entry).not.toHaveClass(/lm-mod-disabled/);
  await entry.click();
}

/** The source of the active cell (CodeMirror's text). */
async function activeSource(page: Page): Promise<string> {
  return page
    .locator(`${CURRENT} .jp-Cell.jp-mod-active .cm-content`)
    .innerText();
}

async function brokerSection(page: Page) {
  await openClassroom(page, /MQTT broker|MQTT-Broker/i);
  const form = page.locator('#jp-classroom-broker');
  await expect(form.locator('input[name="host"]')).toBeVisible();
  return form;
}

test('MQTT menu, class broker and German', async ({ browser }) => {
  // two kernels start (JJava is slow on a busy machine) and a Maven download runs
  test.setTimeout(600_000);
  const hub = hubState();
  const brokerPort = await freePort();
  const mosquitto = spawn('mosquitto', ['-p', String(brokerPort)], {
    stdio: 'ignore'
  });
  let subscriber: Subscriber | null = null;
  const teacherContext = await browser.newContext();
  const studentContext = await browser.newContext();
  try {
    await waitForPort(brokerPort);
    subscriber = new Subscriber(brokerPort);

    // --- the teacher sets and tests the class broker ------------------------------------
    const teacher = await teacherContext.newPage();
    await loginToLab(teacher, hub.teacher.name, hub.teacher.password);
    let form = await brokerSection(teacher);
    await form.locator('input[name="host"]').fill('127.0.0.1');
    await form.locator('input[name="port"]').fill(String(brokerPort));
    await form.getByRole('button', { name: 'Save', exact: true }).click();
    await expect(form.locator('.jp-classroom-Broker-status')).toContainText(
      /Saved|Nothing to change/
    );
    await form.getByRole('button', { name: 'Test', exact: true }).click();
    await expect(form.locator('.jp-classroom-Broker-status')).toContainText(
      'The broker works',
      { timeout: 30_000 }
    );
    await screenshot(teacher, 'mqtt-01-teacher-broker-tested');

    // the shared jars the Java snippets use (Maven Central, through the Libraries routes)
    for (const coords of [
      'org.eclipse.paho:org.eclipse.paho.client.mqttv3:1.2.5',
      'com.google.code.gson:gson:2.10.1'
    ]) {
      await addMavenJar(teacher, coords);
    }
    const jars = await classroomApi<{ folder: string }>(teacher, 'admin/jars');
    expect(jars.status).toBe(200);

    // --- a student --------------------------------------------------------------------
    // the run prefix makes start_hub.py remove this account at the end; the suffix lets the
    // spec run more than once against one hub
    const suffix = Math.random()
      .toString(36)
      .replace(/[^a-z]/g, '')
      .slice(0, 3);
    const student = `${hub.prefix}m${suffix}`;
    const made = await classroomApi<{ credentials: { password: string } }>(
      teacher,
      'admin/users',
      { method: 'POST', body: { name: student } }
    );
    expect(made.status).toBe(201);
    // Students' own kernelspecs are ignored (Spawner.disable_user_config): the Java kernel
    // with the shared jars comes from the Kernels route, as from the sidebar.
    await installJavaKernel(teacher);
    const kernels = await classroomApi<{
      kernels: { name: string; env: Record<string, string> }[];
    }>(teacher, 'admin/kernels');
    const java = kernels.data.kernels.find(k => k.name === 'java');
    expect(java?.env.JJAVA_CLASSPATH).toBe(`${jars.data.folder}/*`);

    const page = await studentContext.newPage();
    await loginToLab(page, student, made.data.credentials.password);

    // Java: connect + publish JSON, run, the broker gets it on the student's topic
    await openNotebook(page, 'mqtt-java.ipynb', {
      name: 'java',
      display_name: 'Java',
      language: 'java'
    });
    await insert(page, 'Connect to the broker');
    expect(await activeSource(page)).toContain(
      `int brokerPort = ${brokerPort};`
    );
    expect(await activeSource(page)).toContain(
      `String topicPrefix = "class/${student}/";`
    );
    await insert(page, 'Publish a JSON object');
    const javaSource = await activeSource(page);
    expect(javaSource).toContain('JsonObject reading = new JsonObject();');
    await screenshot(page, 'mqtt-02-java-snippets-inserted');
    // Run All once the kernel is connected (src/mqtt/kernelready.ts makes JJava report its
    // real status, so Idle here means: the run is not dropped)
    const published = page.locator(`${CURRENT} .jp-OutputArea-output`, {
      hasText: `to class/${student}/sensor`
    });
    await waitForKernelIdle(page, 'Java (jjava)');
    await page.locator('.lm-MenuBar-itemLabel', { hasText: /^Run$/ }).click();
    await page
      .locator('.lm-Menu-item', { hasText: /^Run All Cells/ })
      .first()
      .click();
    await expect(published).toBeVisible({ timeout: 120_000 });
    const payload = JSON.parse(
      await subscriber.waitFor(`class/${student}/sensor`)
    );
    expect(payload.value).toBe(21.5);
    await screenshot(page, 'mqtt-03-java-published');

    // Python: the same entry inserts Python
    await openNotebook(page, 'mqtt-python.ipynb', {
      name: 'python3',
      display_name: 'Python 3',
      language: 'python'
    });
    await insert(page, 'Publish a JSON object');
    const pythonSource = await activeSource(page);
    expect(pythonSource).toContain('json.dumps(reading)');
    expect(pythonSource).not.toContain('JsonObject');

    // another language: disabled, and the tooltip says why
    await openNotebook(
      page,
      'other.ipynb',
      { name: 'clt-ruby', display_name: 'Ruby (test)', language: 'ruby' },
      undefined,
      true
    );
    const disabled = await mqttEntry(page, 'Publish a JSON object');
    await expect(disabled).toHaveClass(/lm-mod-disabled/);
    await expect(disabled).toHaveAttribute('title', /no MQTT snippet for Ruby/);
    await screenshot(page, 'mqtt-04-disabled-for-ruby');
    await page.keyboard.press('Escape');

    // --- the teacher adds a cell of a Python notebook as a class snippet ---------------
    await openNotebook(
      teacher,
      'teacher-snippet.ipynb',
      { name: 'python3', display_name: 'Python 3', language: 'python' },
      'print("sensor says", 42)'
    );
    form = await brokerSection(teacher);
    await form
      .getByRole('button', { name: 'Add Cell as Class Snippet…' })
      .click();
    const dialog = teacher.locator('.jp-Dialog');
    await dialog.locator('input[name="title"]').fill('Read the class sensor');
    await expect(dialog.locator('input[name="name"]')).toHaveValue(
      'read_the_class_sensor'
    );
    await dialog.getByRole('button', { name: 'Add', exact: true }).click();
    await expect(
      teacher.locator('.Toastify__toast', { hasText: 'Class snippet' })
    ).toBeVisible();

    // --- the teacher changes the port; the student's next page load uses it ------------
    const newPort = brokerPort + 1;
    form = await brokerSection(teacher);
    await form.locator('input[name="port"]').fill(String(newPort));
    await form.getByRole('button', { name: 'Save', exact: true }).click();
    await expect(form.locator('.jp-classroom-Broker-status')).toContainText(
      'Saved'
    );
    await page.reload();
    await waitForLab(page);
    await openNotebook(page, 'mqtt-python.ipynb', {
      name: 'python3',
      display_name: 'Python 3',
      language: 'python'
    });
    await insert(page, 'Connect to the broker');
    expect(await activeSource(page)).toContain(`BROKER_PORT = ${newPort}`);
    // the teacher's class snippet is in the menu now
    await insert(page, 'Read the class sensor');
    expect(await activeSource(page)).toContain('print("sensor says", 42)');

    // a template from the launcher: a notebook in ~/notebooks with the right kernel, filled
    const base = new URL(page.url()).pathname.replace(/lab\/.*$/, '');
    await page.goto(`${hub.url}${base}lab?reset`);
    await waitForLab(page);
    await page
      .locator('.jp-LauncherCard', { hasText: 'MQTT in Python' })
      .first()
      .click();
    await expect(
      page.locator('.lm-DockPanel-tabBar .lm-TabBar-tab.lm-mod-current', {
        hasText: 'MQTT in Python.ipynb'
      })
    ).toBeVisible({ timeout: 60_000 });
    const created = await classroomApi(
      page,
      '../../api/contents/MQTT%20in%20Python.ipynb'
    );
    expect(created.status).toBe(200);
    expect(created.data.content.metadata.kernelspec.name).toBe('python3');
    const code = created.data.content.cells
      .map((c: { source: string }) => c.source)
      .join('\n');
    expect(code).toContain(`BROKER_PORT = ${newPort}`);
    expect(code).toContain(`TOPIC_PREFIX = "class/${student}/"`);
    expect(code).not.toContain('{{');
    await screenshot(page, 'mqtt-05-template-from-launcher');

    // --- German ----------------------------------------------------------------------
    await setLabLocale(teacher, 'de_DE');
    await teacher.reload();
    await waitForLab(teacher);
    form = await brokerSection(teacher);
    await expect(
      form.getByRole('button', { name: 'Speichern', exact: true })
    ).toBeVisible();
    await expect(
      form.getByRole('button', { name: 'Testen', exact: true })
    ).toBeVisible();
    await expect(
      teacher.locator('#jp-classroom-sidebar', { hasText: 'MQTT-Broker' })
    ).toBeVisible();
    const german = await mqttEntry(teacher, 'JSON-Objekt veröffentlichen');
    await expect(german).toBeVisible();
    await screenshot(teacher, 'mqtt-06-german-menu-and-sidebar');
    await teacher.keyboard.press('Escape');
    await setLabLocale(teacher, 'default');
  } finally {
    subscriber?.stop();
    mosquitto.kill();
    await teacherContext.close();
    await studentContext.close();
  }
});
