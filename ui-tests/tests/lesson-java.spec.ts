/**
 * The lesson (issue 13) with the Java MQTT template, in a real hub and against a real
 * Mosquitto: the teacher hands the shipped template out to a class from the sidebar (the
 * dialog suggests `template:mqtt_java`; filled per student with the class broker); the
 * student opens it from ~/notebooks/<assignment>, runs it (it publishes and reads back five
 * readings through the broker) and saves; the teacher sees the student online with a running
 * Java kernel in the "Class live" panel, views the notebook read-only with the student's
 * outputs, and collects it.
 */
import { expect, test } from '@playwright/test';

import {
  classroomApi,
  hubState,
  loginToLab,
  openClassroom,
  screenshot,
  stopKernels,
  waitForLab
} from './hub';
import { collectFromLive, openClassLive, viewNotebook } from './classlive';
import { addMavenJar, installJavaKernel, waitForKernelIdle } from './libs';
import { Mosquitto } from './mosquitto';

/** What the template's last evaluation cell prints once the readings came back. */
const RECEIVED = /Received 5 readings, average/;

test('teacher hands out the Java MQTT template, sees the Java kernel live, views and collects', async ({
  browser
}) => {
  // a Maven download, the Java kernel's install and one JVM start on a busy host
  test.setTimeout(480_000);
  const hub = hubState();
  const suffix = Math.random()
    .toString(36)
    .replace(/[^a-z]/g, '')
    .slice(0, 3);
  const student = `${hub.prefix}j${suffix}`;
  const group = `${hub.prefix}java${suffix}`;
  const assignment = `sensor${Date.now() % 100000}`;
  const notebook = `${assignment}/mqtt_java.ipynb`;

  const mosquitto = await Mosquitto.start();
  const brokerPort = mosquitto.port;
  const teacherContext = await browser.newContext();
  const studentContext = await browser.newContext();
  const studentPage = await studentContext.newPage();
  try {
    // --- the teacher: class broker, shared jars, Java kernel, a class with one student -----
    const page = await teacherContext.newPage();
    await loginToLab(page, hub.teacher.name, hub.teacher.password);
    const broker = await classroomApi<{ settings: Record<string, unknown> }>(
      page,
      'admin/broker'
    );
    expect(broker.status).toBe(200);
    const saved = await classroomApi(page, 'admin/broker', {
      method: 'PUT',
      body: { ...broker.data.settings, host: '127.0.0.1', port: brokerPort }
    });
    expect(saved.status).toBe(200);
    for (const coords of [
      'org.eclipse.paho:org.eclipse.paho.client.mqttv3:1.2.5',
      'com.google.code.gson:gson:2.10.1'
    ]) {
      await addMavenJar(page, coords);
    }
    // the Java kernel of this hub's venv with this run's shared jars on its class path
    await installJavaKernel(page);
    const added = await classroomApi<{ credentials: { password: string } }>(
      page,
      'admin/users',
      { method: 'POST', body: { name: student } }
    );
    expect(added.status).toBe(201);
    const made = await classroomApi(page, 'admin/classes', {
      method: 'POST',
      body: { name: group }
    });
    expect(made.status).toBeLessThan(300);
    const joined = await classroomApi(page, `admin/classes/${group}/members`, {
      method: 'POST',
      body: { users: [student] }
    });
    expect(joined.status).toBeLessThan(300);

    // --- hand out the template from the sidebar's Lesson section ---------------------------
    await page.goto(`${hub.url}/user/${hub.teacher.name}/lab?reset`);
    await waitForLab(page);
    await openClassroom(page, /^(Lesson|Unterricht)/i);
    await page.getByTestId('classroom-hand-out').click();
    const dialog = page.locator('.jp-Dialog');
    // the source field suggests the templates (shipped and the class's)
    await expect(
      dialog.locator(
        '#jp-classroom-handout-sources option[value="template:mqtt_java"]'
      )
    ).toHaveCount(1);
    await dialog.locator('input[name="source"]').fill('template:mqtt_java');
    await dialog.locator('input[name="assignment"]').fill(assignment);
    await dialog.locator('input[name="class"]').fill(group);
    await screenshot(page, 'lesson-java-01-hand-out-template');
    await dialog.locator('.jp-Dialog-button.jp-mod-accept').click();
    const results = page.getByTestId('classroom-handout-results');
    await expect(results).toBeVisible({ timeout: 60_000 });
    await expect(results.locator('tr.jp-mod-handed_out')).toContainText(
      student
    );
    await screenshot(page, 'lesson-java-02-handed-out');
    await page.locator('.jp-Dialog .jp-Dialog-button.jp-mod-accept').click();

    // --- the student opens it from ~/notebooks/<assignment>, runs it, saves ----------------
    await loginToLab(studentPage, student, added.data.credentials.password);
    await studentPage.goto(`${hub.url}/user/${student}/lab/tree/${notebook}`);
    await waitForLab(studentPage);
    const cells = studentPage.locator('.jp-NotebookPanel .jp-CodeCell');
    // filled for this student: the class broker and the student's own topics
    await expect(cells.first().locator('.cm-content')).toContainText(
      `int brokerPort = ${brokerPort};`
    );
    await expect(cells.first().locator('.cm-content')).toContainText(
      `class/${student}/`
    );
    await waitForKernelIdle(studentPage, 'Java (jjava)');
    await studentPage
      .locator('.lm-MenuBar-itemLabel', { hasText: /^Run$/ })
      .click();
    await studentPage
      .locator('.lm-Menu-item', { hasText: /^Run All Cells/ })
      .first()
      .click();
    const received = studentPage.locator('.jp-OutputArea-output', {
      hasText: RECEIVED
    });
    await expect(received).toBeVisible({ timeout: 180_000 });
    // the last cell disconnects: wait until every cell ran
    await expect(
      studentPage.locator('.jp-OutputArea-output', { hasText: 'Disconnected' })
    ).toBeVisible({ timeout: 60_000 });
    await studentPage.keyboard.press('Control+s');
    await expect(
      studentPage.locator('.jp-mod-current .jp-mod-dirty')
    ).toHaveCount(0);
    await screenshot(studentPage, 'lesson-java-03-student-ran-and-saved');
    const savedCopy = await classroomApi(
      studentPage,
      `../../api/contents/${notebook}`
    );
    expect(JSON.stringify(savedCopy.data.content)).toMatch(RECEIVED);

    // --- the teacher: Class live shows the student online with a Java kernel ---------------
    const { live, row } = await openClassLive(page, group, student, 'java');
    await screenshot(page, 'lesson-java-04-class-live');

    // --- view the student's notebook read-only, with the student's outputs ----------------
    const viewer = await viewNotebook(page, row, notebook);
    const output = viewer.getByText(RECEIVED).first();
    await expect(output).toBeVisible();
    await output.scrollIntoViewIfNeeded();
    await screenshot(page, 'lesson-java-05-view-read-only');

    // --- collect from the live panel -------------------------------------------------------
    const collected = await collectFromLive(page, live, {
      assignment,
      group,
      student,
      file: 'mqtt_java.ipynb'
    });
    await screenshot(page, 'lesson-java-06-collected');
    await collected.close();
    // the teacher's copy holds the student's saved outputs
    expect(collected.copy).toMatch(RECEIVED);
  } finally {
    await stopKernels(studentPage).catch(() => undefined);
    mosquitto.stop();
    await studentContext.close();
    await teacherContext.close();
  }
});
