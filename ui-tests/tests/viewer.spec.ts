/**
 * The safe way to look at a student's work (issues 8 and 13): the teacher opens a student's
 * notebook read-only and untrusted in their own JupyterLab. The student's outputs are shown,
 * the teacher cannot edit or save it, no kernel starts, and neither a JavaScript output nor
 * script in an HTML output or in Markdown runs. "Live server" warns before it opens anything.
 * Runs against a real JupyterHub (global-setup.js).
 */
import { expect, Page, test } from '@playwright/test';

import {
  classroomApi,
  hubState,
  loginToLab,
  openClassroom,
  saveNotebook,
  screenshot
} from './hub';

/** A student's notebook with outputs, and with everything a student could try. */
function studentNotebook(marker: string): Record<string, unknown> {
  const claim = { trusted: true };
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {
      kernelspec: { name: 'python3', display_name: 'Python 3' }
    },
    cells: [
      {
        cell_type: 'markdown',
        metadata: claim,
        source:
          '# Aufgabe 1\n<img src="nope.png" onerror="document.body.dataset.pwnedMarkdown = 1">'
      },
      {
        cell_type: 'code',
        execution_count: 1,
        metadata: claim,
        source: "print('hello')",
        outputs: [
          { output_type: 'stream', name: 'stdout', text: `${marker}\n` }
        ]
      },
      {
        cell_type: 'code',
        execution_count: 2,
        metadata: claim,
        source: 'display(HTML(page))',
        outputs: [
          {
            output_type: 'display_data',
            metadata: {},
            data: {
              'text/html':
                '<b>HTML-OUTPUT-VISIBLE</b>' +
                '<img src="nope.png" onerror="document.body.dataset.pwnedHtml = 1">' +
                '<script>document.body.dataset.pwnedScript = 1</script>',
              'text/plain': '<IPython.core.display.HTML object>'
            }
          }
        ]
      },
      {
        cell_type: 'code',
        execution_count: 3,
        metadata: claim,
        source: '%%javascript\n// steal the teacher',
        outputs: [
          {
            output_type: 'display_data',
            metadata: {},
            data: {
              'application/javascript':
                'document.body.dataset.pwnedJs = 1; window.__classroomPwned = true;',
              'text/plain': '<IPython.core.display.Javascript object>'
            }
          }
        ]
      }
    ]
  };
}

/** What the student's page would have left behind if any of its script had run. */
async function pwned(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const marks = Object.keys(document.body.dataset).filter(k =>
      k.startsWith('pwned')
    );
    if ((window as any).__classroomPwned) {
      marks.push('window.__classroomPwned');
    }
    return marks;
  });
}

/** The sessions (kernels) of the page's own server. */
async function sessions(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    const config = JSON.parse(
      document.getElementById('jupyter-config-data')?.textContent ?? '{}'
    );
    const xsrf = (document.cookie.match(/(?:^|;\s*)_xsrf=([^;]*)/) ?? [])[1];
    const r = await fetch(`${config.baseUrl}api/sessions`, {
      credentials: 'same-origin',
      headers: xsrf ? { 'X-XSRFToken': decodeURIComponent(xsrf) } : {}
    });
    if (!r.ok) {
      throw new Error(`api/sessions: ${r.status}`);
    }
    return ((await r.json()) as { path: string }[]).map(s => s.path);
  });
}

test('teacher views a student notebook read-only and untrusted', async ({
  browser
}) => {
  const hub = hubState();
  const name = `${hub.prefix}v`;
  const marker = `STUDENT-OUTPUT-${Date.now()}`;

  // --- the teacher adds the student ------------------------------------------------------
  const teacherContext = await browser.newContext();
  const page = await teacherContext.newPage();
  await loginToLab(page, hub.teacher.name, hub.teacher.password);
  const added = await classroomApi(page, 'admin/users', {
    method: 'POST',
    body: { name, full_name: 'Vera Viewer' }
  });
  expect(added.status).toBe(201);
  const password: string = added.data.credentials.password;

  // --- the student saves a notebook with outputs into ~/notebooks ------------------------
  const studentContext = await browser.newContext();
  const student = await studentContext.newPage();
  await loginToLab(student, name, password);
  await saveNotebook(student, 'aufgabe1.ipynb', studentNotebook(marker));
  await studentContext.close();

  // --- the teacher: Students -> the student -> View notebooks ----------------------------
  await openClassroom(page);
  await page
    .locator('#jp-classroom-sidebar [data-command="classroom:refresh"]')
    .click();
  await page.getByTestId('classroom-student-search').fill(name);
  const item = page.getByTestId(`classroom-student-${name}`);
  await item.locator('.jp-classroom-StudentItem-header').click();
  await item.locator('[data-action="view-notebooks"]').click();
  const dialog = page.locator('.jp-Dialog');
  const list = dialog.getByTestId('classroom-notebook-list');
  await expect(list).toBeVisible();
  await expect(list.locator('tbody tr')).toHaveCount(1);
  await list.locator('tr[data-path="aufgabe1.ipynb"]').click();
  await screenshot(page, 'viewer-01-list');
  await dialog.locator('.jp-Dialog-button.jp-mod-accept').click();
  await expect(dialog).toHaveCount(0);

  // The tab says whose notebook it is; the panel is our read-only viewer.
  const tab = page.locator('#jp-main-dock-panel .lm-TabBar-tab', {
    hasText: `${name}: aufgabe1.ipynb`
  });
  await expect(tab).toBeVisible();
  const panel = page.locator(
    '#jp-main-dock-panel [data-classroom-viewer="read-only"]'
  );
  await expect(panel).toBeVisible();
  await expect(panel.getByTestId('classroom-viewer-note')).toBeVisible();

  // The student's outputs are there: the stream text, the HTML (sanitized), the Markdown.
  await expect(panel.getByText(marker)).toBeVisible();
  await expect(panel.getByText('HTML-OUTPUT-VISIBLE')).toBeVisible();
  await expect(panel.locator('h1', { hasText: 'Aufgabe 1' })).toBeVisible();
  // Lab counts the cells as untrusted (the file's "trusted" claims are not believed).
  await screenshot(page, 'viewer-02-notebook');

  // No script of the student ran: not the JavaScript output, not the HTML, not the Markdown.
  await page.waitForTimeout(1000);
  expect(await pwned(page)).toEqual([]);

  // It cannot be edited: typing into a cell changes nothing.
  const code = panel.locator('.jp-CodeCell .cm-content').first();
  await code.click();
  await page.keyboard.type('EDITED-BY-TEACHER');
  await page.keyboard.press('Enter');
  await expect(panel.getByText('EDITED-BY-TEACHER')).toHaveCount(0);
  await expect(code).toHaveAttribute('aria-readonly', 'true');

  // ... nor saved (Ctrl+S only says it is read-only); the student's file is unchanged.
  await page.keyboard.press('Control+s');
  const copy = await classroomApi(
    page,
    `admin/users/${name}/notebooks/content?path=aufgabe1.ipynb`
  );
  expect(copy.status).toBe(200);
  expect(JSON.stringify(copy.data.notebook)).not.toContain('EDITED-BY-TEACHER');
  expect(JSON.stringify(copy.data.notebook)).toContain(marker);

  // No kernel was started for it on the teacher's server.
  expect((await sessions(page)).filter(p => p.includes('aufgabe1'))).toEqual(
    []
  );
  expect(await pwned(page)).toEqual([]);
  await screenshot(page, 'viewer-03-after-edit-and-save');

  // --- "Live server" warns before anything opens -----------------------------------------
  const pagesBefore = teacherContext.pages().length;
  await item.locator('[data-action="open"]').click();
  const warning = page.locator('.jp-Dialog', {
    hasText: /shares one web address|teilen sich alle Server/
  });
  await expect(warning).toBeVisible();
  await expect(warning.locator('.jp-mod-warn')).toBeVisible();
  await screenshot(page, 'viewer-04-live-server-warning');
  await warning.locator('.jp-Dialog-button.jp-mod-reject').click();
  await expect(warning).toHaveCount(0);
  expect(teacherContext.pages().length).toBe(pagesBefore);
  // "View notebooks instead" leads to the same list.
  await item.locator('[data-action="open"]').click();
  await warning
    .locator('.jp-Dialog-button.jp-mod-accept:not(.jp-mod-warn)')
    .click();
  await expect(dialog.getByTestId('classroom-notebook-list')).toBeVisible();
  await dialog.locator('.jp-Dialog-button.jp-mod-reject').click();
  expect(teacherContext.pages().length).toBe(pagesBefore);

  // --- the same from the command palette: pick the student, then the notebook -------------
  await page.keyboard.press('Control+Shift+C');
  const palette = page.locator('#command-palette');
  await palette.locator('input').fill("View a Student's Notebooks");
  await palette
    .locator('.lm-CommandPalette-item', { hasText: /View a Student/ })
    .first()
    .click();
  const pick = page.locator('.jp-Dialog', { hasText: /Student|Schüler/ });
  await pick.locator('select').selectOption(name);
  await pick.locator('.jp-Dialog-button.jp-mod-accept').click();
  await expect(
    dialog.getByTestId('classroom-notebook-list').locator('tbody tr')
  ).toHaveCount(1);
  await dialog.locator('.jp-Dialog-button.jp-mod-reject').click();
  await expect(dialog).toHaveCount(0);
  expect(await pwned(page)).toEqual([]);
  await teacherContext.close();
});
