/**
 * Issue 11 item 4, in a real hub: a Java (JJava) notebook shows its real kernel state and
 * runs the very first Shift+Enter, pressed the moment the notebook shows its cell (while the
 * session is still being created), with no retry.
 *
 * Without the workaround in src/mqtt/kernelready.ts, JupyterLab drops that first run without
 * a word (the cell stays `[ ]`) and the status bar shows "Java (jjava) | Unknown" until a
 * cell has run (JJava answers Lab's history_request with no status at all).
 */
import { expect, Page, test } from '@playwright/test';
import * as fs from 'fs';

import {
  classroomApi,
  hubState,
  loginToLab,
  saveNotebook,
  screenshot,
  stopKernels
} from './hub';
import { installJavaKernel, kernelStatus } from './libs';

const JAVA = { name: 'java', display_name: 'Java', language: 'java' };
/** The kernel's name in the status bar. */
const JAVA_STATUS = 'Java (jjava)';

async function openJavaNotebook(
  page: Page,
  name: string,
  code: string
): Promise<void> {
  const base = await saveNotebook(page, name, {
    cells: [
      {
        cell_type: 'code',
        metadata: {},
        source: code,
        outputs: [],
        execution_count: null
      }
    ],
    metadata: { kernelspec: JAVA },
    nbformat: 4,
    nbformat_minor: 5
  });
  // ?reset: a fresh workspace, this notebook is the only one; its kernel starts now
  await page.goto(`${hubState().url}${base}lab/tree/${name}?reset`);
}

test('Java notebook: the first Shift+Enter runs and the status is real', async ({
  browser
}) => {
  test.setTimeout(360_000);
  const hub = hubState();
  const context = await browser.newContext();
  const page = await context.newPage();
  try {
    await loginToLab(page, hub.teacher.name, hub.teacher.password);
    // The Java kernelspec of this hub's venv, pointing at this run's shared jars (an earlier
    // run against the same venv may have left one pointing at its removed scratch folder).
    // JJava stops at start when a class path folder is missing (no jar added yet in this run)
    const jars = await classroomApi<{ folder: string }>(page, 'admin/jars');
    fs.mkdirSync(jars.data.folder, { recursive: true });
    await installJavaKernel(page);

    // 1. Shift+Enter while the notebook's session is still being created. On a busy host
    // that window is seconds long; here the session request is held back 5 s so that the
    // press lands in it every time (the status bar says "Initializing").
    const sessions = (url: URL) => url.pathname.endsWith('/api/sessions');
    await page.route(sessions, async route => {
      if (route.request().method() === 'POST') {
        await new Promise(r => setTimeout(r, 5000));
      }
      await route.continue();
    });
    const first = `java-first-${hub.prefix}.ipynb`;
    await openJavaNotebook(page, first, 'System.out.println("ran " + 6 * 7);');
    const cell = page.locator('.jp-NotebookPanel .jp-CodeCell').first();
    await cell.locator('.cm-content').click();
    await expect(kernelStatus(page, JAVA_STATUS)).toHaveText(/Initializing/);
    const pressedAt = Date.now();
    await page.keyboard.press('Shift+Enter');
    console.log(
      'java.spec: Shift+Enter pressed while the session was initializing'
    );
    await expect(cell.locator('.jp-OutputArea-output')).toHaveText('ran 42', {
      timeout: 180_000
    });
    await expect(cell.locator('.jp-InputPrompt')).toContainText('[1]');
    console.log(
      `java.spec: the first run printed after ${((Date.now() - pressedAt) / 1000).toFixed(1)} s`
    );
    await screenshot(page, 'java-01-first-shift-enter-ran');

    // 2. A fresh Java notebook that nobody runs: the status bar says Idle, not Unknown
    const second = `java-idle-${hub.prefix}.ipynb`;
    await openJavaNotebook(page, second, 'int x = 1;');
    await page.waitForSelector('.jp-NotebookPanel .jp-CodeCell');
    await expect(kernelStatus(page, JAVA_STATUS)).toHaveText(/\| Idle$/, {
      timeout: 180_000
    });
    await expect(
      page.locator('.jp-NotebookPanel .jp-CodeCell .jp-InputPrompt').first()
    ).not.toContainText('[1]');
    await screenshot(page, 'java-02-status-idle-before-any-run');
  } finally {
    // stop both kernels (the hub's culler would otherwise keep two JVMs)
    await stopKernels(page).catch(() => undefined);
    await context.close();
  }
});
