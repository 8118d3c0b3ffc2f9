/**
 * Issue 4 through the Classroom sidebar against a real JupyterHub (global-setup.js):
 * the teacher adds commons-csv by Maven coordinates (Maven Central, checksum verified) and uses
 * it in a Java notebook with no magic; uploads a valid jar (listed) and a text file renamed to
 * .jar (refused with a message).
 */
import { expect, test } from '@playwright/test';

import {
  classroomApi,
  hubState,
  loginToLab,
  openClassroom,
  openSection,
  saveNotebook,
  screenshot,
  waitForLab
} from './hub';
import { makeJar, waitForKernelIdle } from './libs';

test('jars: add commons-csv by coordinates and use it without magic; uploads', async ({
  browser
}) => {
  test.setTimeout(420_000);
  const hub = hubState();
  const context = await browser.newContext();
  const page = await context.newPage();
  await loginToLab(page, hub.teacher.name, hub.teacher.password);
  await openClassroom(page);
  await openSection(page, /^Libraries/i);
  const jars = page.getByTestId('classroom-jars');
  await expect(jars).toBeVisible();

  // --- add by coordinates from Maven Central ---------------------------------------------
  await jars
    .getByTestId('classroom-jar-coords')
    .fill('org.apache.commons:commons-csv:1.10.0');
  await jars.getByTestId('classroom-jar-add').click();
  const csvItem = jars.locator(
    '[data-testid="classroom-jar"][data-file="commons-csv-1.10.0.jar"]'
  );
  await expect(csvItem).toBeVisible({ timeout: 120_000 });
  await expect(csvItem).toContainText('org.apache.commons:commons-csv:1.10.0');
  await screenshot(page, 'libs-01-commons-csv-added');
  // Gson too: the Java kernel's smoke test parses JSON with it
  await jars
    .getByTestId('classroom-jar-coords')
    .fill('com.google.code.gson:gson:2.10.1');
  await jars.getByTestId('classroom-jar-add').click();
  await expect(
    jars.locator('[data-testid="classroom-jar"][data-file="gson-2.10.1.jar"]')
  ).toBeVisible({ timeout: 120_000 });

  // The Java part needs a hub whose classroom service manages the kernels students get (as on
  // a provisioned host, where both use the venv's kernel folder). A test hub that keeps the
  // service's kernels in a scratch folder only shows the system ones (/usr/...): then this
  // part cannot be checked here and the run says so.
  const served = await classroomApi(page, 'admin/kernels');
  const managesKernels = served.data.kernels.some(
    (k: any) => !String(k.location).startsWith('/usr/')
  );
  if (!managesKernels) {
    test.info().annotations.push({
      type: 'not checked',
      description:
        "Java notebook part: the test hub's service does not manage the kernels students see " +
        '(start the hub with HubLauncher(use_venv_paths=True))'
    });
    console.warn('libs.spec: Java notebook part not checked (see annotation)');
  } else {
    // --- the Java kernel (JJava) with the shared jars on its class path ---------------------
    // Installed from the Kernels section (idempotent: pip finds jjava installed and the
    // kernelspec gets JJAVA_CLASSPATH=<shared folder>/*).
    const listing = await classroomApi(page, 'admin/jars');
    await openSection(page, /^Kernels/i);
    const kernelsView = page.getByTestId('classroom-kernels');
    await kernelsView
      .getByRole('button', { name: 'Install Java (JJava)' })
      .click();
    const javaItem = kernelsView
      .locator('[data-testid="classroom-kernel"][data-name="java"]')
      .first();
    await expect(javaItem).toContainText(
      `JJAVA_CLASSPATH=${listing.data.folder}/*`,
      { timeout: 300_000 }
    );
    // Kernel Test from the sidebar: a throwaway kernel runs the smoke cell (version + Gson)
    await javaItem.getByTestId('classroom-kernel-test-button').click();
    const result = javaItem.getByTestId('classroom-kernel-test');
    await expect(result).toBeVisible({ timeout: 180_000 });
    await expect(result).toHaveAttribute('data-ok', 'true');
    await expect(result).toContainText('ready in');
    await expect(result).toContainText('{"a":1}');
    await screenshot(page, 'libs-02-java-kernel-installed-and-tested');
    {
      // --- a Java notebook uses the jar with no magic (a freshly started kernel) ----------
      const nbName = `csv-${hub.prefix}.ipynb`;
      const notebook = {
        cells: [
          {
            cell_type: 'code',
            execution_count: null,
            metadata: {},
            outputs: [],
            source:
              'import org.apache.commons.csv.*;\n' +
              'var recs = CSVParser.parse("a,b\\n1,2", CSVFormat.DEFAULT).getRecords();\n' +
              'System.out.println("csv:" + recs.get(1).get(1));'
          }
        ],
        metadata: {
          kernelspec: { name: 'java', display_name: 'Java', language: 'java' }
        },
        nbformat: 4,
        nbformat_minor: 5
      };
      const base = await saveNotebook(page, nbName, notebook);
      await page.goto(`${hub.url}${base}lab/tree/${nbName}`);
      await page.waitForSelector('.jp-NotebookPanel .jp-Cell', {
        timeout: 120_000
      });
      // A freshly started kernel (started after the jar was added): run the cell once it is
      // connected (src/mqtt/kernelready.ts makes JJava report its real status)
      const cell = page.locator('.jp-NotebookPanel .jp-Cell').first();
      const output = cell.locator('.jp-OutputArea-output');
      await waitForKernelIdle(page, 'Java (jjava)');
      await cell.locator('.jp-InputArea-editor').click();
      await page.keyboard.press('Control+Enter');
      await expect(output).toContainText('csv:2', { timeout: 120_000 });
      await screenshot(page, 'libs-03-java-notebook-uses-commons-csv');
    }
  }

  // --- uploads ------------------------------------------------------------------------------
  await page.goto(`${hub.url}/user/${hub.teacher.name}/lab`);
  await waitForLab(page);
  await openClassroom(page);
  await openSection(page, /^Libraries/i);
  const uploadName = `${hub.prefix}-demo.jar`;
  await page.getByTestId('classroom-jar-file').setInputFiles({
    name: uploadName,
    mimeType: 'application/java-archive',
    buffer: makeJar(uploadName)
  });
  await expect(
    page.locator(`[data-testid="classroom-jar"][data-file="${uploadName}"]`)
  ).toBeVisible({ timeout: 30_000 });

  await page.getByTestId('classroom-jar-file').setInputFiles({
    name: 'notes.jar',
    mimeType: 'application/java-archive',
    buffer: Buffer.from('These are my notes, not a jar.\n', 'utf8')
  });
  const toast = page
    .locator('.Toastify__toast')
    .filter({ hasText: 'notes.jar was refused' });
  await expect(toast).toBeVisible({ timeout: 30_000 });
  await expect(toast).toContainText('not a jar');
  await expect(
    page.locator('[data-testid="classroom-jar"][data-file="notes.jar"]')
  ).toHaveCount(0);
  await screenshot(page, 'libs-04-upload-refused');

  // remove the uploaded jar from the sidebar: confirm, then it leaves the list for the trash
  const uploaded = page.locator(
    `[data-testid="classroom-jar"][data-file="${uploadName}"]`
  );
  await uploaded.getByRole('button', { name: 'Remove' }).click();
  const confirm = page.locator('.jp-Dialog', { hasText: uploadName });
  await expect(confirm).toContainText('moved to the trash');
  await confirm.locator('.jp-Dialog-button.jp-mod-accept').click();
  await expect(uploaded).toHaveCount(0, { timeout: 30_000 });
  await expect(page.getByTestId('classroom-jars-trash')).toContainText(
    uploadName
  );

  // clean up: the jars go to the (scratch) trash
  for (const file of ['commons-csv-1.10.0.jar', 'gson-2.10.1.jar']) {
    await classroomApi(page, `admin/jars/${encodeURIComponent(file)}`, {
      method: 'DELETE'
    });
  }
  await context.close();
});
