/**
 * Issue 11 item 4: Shift+Enter pressed through a notebook right after it opens runs every
 * cell, once, in the order pressed, in one kernel.
 *
 * Lab has two windows before a notebook has its kernel:
 * - "No Kernel": the session list is still being fetched. Lab's executor starts a kernel of
 *   its own for a cell run then, racing the notebook's own start (a second session request;
 *   one of the two is thrown away, and with it a cell).
 * - "Initializing": the notebook's session is being created. Lab drops a cell run then.
 * The session requests are held back here so that the presses land in both windows every
 * time (on a busy school host they are seconds long anyway).
 */
import { expect, Page, test } from '@playwright/test';

import {
  hubState,
  loginToLab,
  saveNotebook,
  screenshot,
  stopKernels
} from './hub';
import { kernelStatus } from './libs';

const PYTHON = {
  name: 'python3',
  display_name: 'Python 3 (ipykernel)',
  language: 'python'
};

function code(source: string) {
  return {
    cell_type: 'code',
    metadata: {},
    source,
    outputs: [],
    execution_count: null
  };
}

/** The kernels the server runs (for the notebook's path: exactly one session must stay). */
async function sessionsOf(page: Page, base: string, name: string) {
  const response = await page.request.get(
    `${hubState().url}${base}api/sessions`
  );
  const sessions = (await response.json()) as { path: string }[];
  return sessions.filter(s => s.path === name).length;
}

test('cells pressed before the kernel is there run once each, in order', async ({
  browser
}) => {
  test.setTimeout(180_000);
  const hub = hubState();
  const context = await browser.newContext({
    viewport: { width: 1280, height: 800 }
  });
  const page = await context.newPage();
  try {
    await loginToLab(page, hub.teacher.name, hub.teacher.password);
    const name = `early-${hub.prefix}.ipynb`;
    const base = await saveNotebook(page, name, {
      cells: [
        code("steps = ['one']"),
        code("steps.append('two')"),
        code("steps.append('three')"),
        code("print(' '.join(steps))")
      ],
      metadata: { kernelspec: PYTHON },
      nbformat: 4,
      nbformat_minor: 5
    });

    // hold back the session list (window "No Kernel") and the session start ("Initializing")
    const held = (url: URL) => url.pathname.endsWith('/api/sessions');
    await page.route(held, async route => {
      await new Promise(r => setTimeout(r, 4000));
      await route.continue().catch(() => undefined);
    });
    await page.goto(`${hub.url}${base}lab/tree/${name}?reset`);
    const cells = page.locator('.jp-NotebookPanel .jp-CodeCell');
    await cells.first().locator('.cm-content').click();
    await expect(
      page.locator('.jp-StatusBar-TextItem', { hasText: /^No Kernel/ })
    ).toBeVisible();
    await page.keyboard.press('Shift+Enter'); // window "No Kernel"
    await screenshot(page, 'early-01-pressed-with-no-kernel');
    await expect(kernelStatus(page, /Python 3 \(ipykernel\)/)).toHaveText(
      /Initializing/
    );
    for (let i = 0; i < 3; i++) {
      await page.keyboard.press('Shift+Enter'); // window "Initializing"
    }
    await screenshot(page, 'early-02-pressed-while-initializing');
    await page.unroute(held);

    await expect(cells.nth(3).locator('.jp-OutputArea-output')).toHaveText(
      'one two three',
      { timeout: 120_000 }
    );
    for (let i = 0; i < 4; i++) {
      await expect(cells.nth(i).locator('.jp-InputPrompt')).toContainText(
        `[${i + 1}]`
      );
    }
    await screenshot(page, 'early-03-all-ran-in-order');
    expect(await sessionsOf(page, base, name)).toBe(1);
  } finally {
    await stopKernels(page).catch(() => undefined);
    await context.close();
  }
});
