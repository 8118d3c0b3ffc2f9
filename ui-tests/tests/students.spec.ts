/**
 * The teacher imports a 3-row roster through the Classroom sidebar, downloads the credentials,
 * and one of the new students logs in with the generated password and gets JupyterLab without
 * the Classroom sidebar. Runs against a real JupyterHub (global-setup.js).
 */
import { expect, test } from '@playwright/test';
import * as fs from 'fs';

import {
  classroomApi,
  classroomTab,
  hubState,
  loginToLab,
  openClassroom,
  parseCsv,
  screenshot,
  waitForLab
} from './hub';

test('teacher imports a roster; a new student logs in without the sidebar', async ({
  browser
}) => {
  const hub = hubState();
  const names = [`${hub.prefix}a`, `${hub.prefix}b`, `${hub.prefix}c`];
  const started = Date.now();

  // --- the teacher -----------------------------------------------------------------------
  const teacherContext = await browser.newContext();
  const page = await teacherContext.newPage();
  await loginToLab(page, hub.teacher.name, hub.teacher.password);
  await expect(page.locator('body')).toHaveAttribute(
    'data-classroom-sidebar',
    'teacher'
  );
  await openClassroom(page);
  // The class list shows the teacher with the teacher badge.
  const me = page.getByTestId(`classroom-student-${hub.teacher.name}`);
  await expect(me).toBeVisible();
  await expect(me.locator('.jp-classroom-badge-teacher')).toBeVisible();
  await screenshot(page, 'students-01-sidebar');

  // Import: the third row's username is not valid; the teacher replaces the suggestion.
  await page
    .locator('#jp-classroom-sidebar [data-command="classroom:import-roster"]')
    .click();
  const dialog = page.locator('.jp-Dialog');
  await expect(dialog.getByTestId('classroom-import')).toBeVisible();
  const csv =
    '\ufeffusername;full name;password\n' +
    `${names[0]};Anna Alpha;\n` +
    `${names[1]};Bert Beta;\n` +
    'Cem Gamma!;Cem Gamma;\n';
  await dialog.getByTestId('classroom-import-file').setInputFiles({
    name: 'roster.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(csv, 'utf8')
  });
  const rows = dialog.locator('[data-testid^="classroom-preview-row-"]');
  await expect(rows).toHaveCount(3);
  await expect(rows.nth(0)).toHaveAttribute('data-action', 'create');
  await expect(rows.nth(1)).toHaveAttribute('data-action', 'create');
  await expect(rows.nth(2)).toHaveAttribute('data-action', 'refuse');
  await expect(
    rows.nth(2).locator('.jp-classroom-PreviewTable-reason')
  ).not.toBeEmpty();
  await screenshot(page, 'students-02-preview');

  const edit = dialog.getByTestId('classroom-preview-username-2');
  await edit.fill(names[2]);
  // Apply waits until the changed name was checked.
  await expect(dialog.getByTestId('classroom-import-apply')).toBeDisabled();
  await dialog.getByTestId('classroom-import-recheck').click();
  await expect(rows.nth(2)).toHaveAttribute('data-action', 'create');
  await expect(dialog.getByTestId('classroom-import-apply')).toBeEnabled();
  await dialog.getByTestId('classroom-import-apply').click();

  const results = dialog.getByTestId('classroom-results-table');
  await expect(results).toBeVisible({ timeout: 120_000 });
  await expect(results.locator('tbody tr[data-ok="true"]')).toHaveCount(3);
  await screenshot(page, 'students-03-results');

  // Download the credentials sheet and read it.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    dialog.getByTestId('classroom-download-credentials').click()
  ]);
  expect(download.suggestedFilename()).toMatch(/\.csv$/);
  const sheet = parseCsv(fs.readFileSync(await download.path(), 'utf8'));
  expect(sheet[0].slice(0, 3)).toEqual(['username', 'full name', 'password']);
  const credentials = new Map(sheet.slice(1).map(r => [r[0], r[2]]));
  expect([...credentials.keys()].sort()).toEqual([...names].sort());
  for (const name of names) {
    expect(credentials.get(name)?.length ?? 0).toBeGreaterThanOrEqual(8);
  }

  // The printable slips: one per student, in a new window.
  const [slips] = await Promise.all([
    teacherContext.waitForEvent('page'),
    dialog.getByTestId('classroom-print-slips').click()
  ]);
  await slips.waitForLoadState();
  await expect(slips.locator('.slip')).toHaveCount(3);
  await expect(slips.locator('.slip').first()).toContainText(names[0]);
  await screenshot(slips, 'students-04-slips');
  await slips.close();

  await dialog.locator('.jp-Dialog-button').last().click();
  // Saved: no reminder that the passwords would be lost.
  await expect(dialog).toHaveCount(0);
  await expect(page.getByTestId('classroom-save-credentials')).toHaveCount(0);
  // The class list now shows the new students.
  for (const name of names) {
    await expect(page.getByTestId(`classroom-student-${name}`)).toBeVisible();
  }
  await screenshot(page, 'students-05-class-list');

  // --- a new student, in a fresh browser context ------------------------------------------
  const studentContext = await browser.newContext();
  const student = await studentContext.newPage();
  await loginToLab(student, names[0], credentials.get(names[0]) as string);
  await expect(student.locator('body')).toHaveAttribute(
    'data-classroom-sidebar',
    'none'
  );
  await expect(classroomTab(student)).toHaveCount(0);
  await expect(student.locator('#jp-classroom-sidebar')).toHaveCount(0);
  // The student's admin calls are refused.
  const forbidden = await classroomApi(student, 'admin/users');
  expect(forbidden.status).toBe(403);
  await screenshot(student, 'students-06-student-lab');

  console.log(
    `students.spec: roster imported and student logged in, ${(
      (Date.now() - started) /
      1000
    ).toFixed(1)} s`
  );
  await studentContext.close();
  await teacherContext.close();
});

test('teacher adds a student and manages it from the class list', async ({
  browser
}) => {
  const hub = hubState();
  const name = `${hub.prefix}d`;
  const context = await browser.newContext();
  const page = await context.newPage();
  await loginToLab(page, hub.teacher.name, hub.teacher.password);
  await openClassroom(page);
  const dialog = page.locator('.jp-Dialog');
  const accept = dialog.locator('.jp-Dialog-button.jp-mod-accept');

  // An import whose passwords were neither downloaded nor printed cannot be closed (issue 11):
  // the button waits for the download.
  await page
    .locator('#jp-classroom-sidebar [data-command="classroom:import-roster"]')
    .click();
  await dialog.getByTestId('classroom-import-file').setInputFiles({
    name: 'one.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(`username,full name\n${hub.prefix}e,Emil Epsilon\n`)
  });
  await dialog.getByTestId('classroom-import-apply').click();
  await expect(
    dialog.locator('[data-testid="classroom-results-table"] tr[data-ok="true"]')
  ).toHaveCount(1, { timeout: 120_000 });
  await expect(dialog.locator('.jp-Dialog-button').last()).toBeDisabled();
  await page.keyboard.press('Escape');
  await expect(dialog.getByTestId('classroom-results-table')).toBeVisible();
  await Promise.all([
    page.waitForEvent('download'),
    dialog.getByTestId('classroom-download-credentials').click()
  ]);
  await dialog.locator('.jp-Dialog-button').last().click();
  await expect(dialog).toHaveCount(0);

  // Add one student; the password is shown once.
  await page
    .locator('#jp-classroom-sidebar [data-command="classroom:add-student"]')
    .click();
  await dialog.getByTestId('classroom-add-name').fill(name);
  await dialog.getByTestId('classroom-add-full_name').fill('Dora Delta');
  await accept.click();
  const shown = dialog.getByTestId('classroom-credentials-password');
  await expect(shown).toBeVisible({ timeout: 60_000 });
  const firstPassword = (await shown.textContent()) ?? '';
  expect(firstPassword.length).toBeGreaterThanOrEqual(8);
  await accept.click();

  // Search narrows the list to that student.
  await page.getByTestId('classroom-student-search').fill(name);
  const list = page.getByTestId('classroom-student-list');
  // (students only: with classes on the hub the list also has one header per class)
  await expect(list.locator('> li.jp-classroom-StudentItem')).toHaveCount(1);
  const item = page.getByTestId(`classroom-student-${name}`);
  await item.locator('.jp-classroom-StudentItem-header').click();
  const act = (action: string) => item.locator(`[data-action="${action}"]`);
  const refresh = page.locator(
    '#jp-classroom-sidebar [data-command="classroom:refresh"]'
  );

  // Start the server, then stop it.
  await act('start').click();
  await expect(async () => {
    await refresh.click();
    await expect(item.locator('.jp-classroom-StudentItem-dot')).toHaveClass(
      /jp-mod-running/,
      { timeout: 2000 }
    );
  }).toPass({ timeout: 120_000 });
  await screenshot(page, 'students-07-running');
  // Open it (admin access): the student's JupyterLab, where a visiting teacher gets no
  // Classroom sidebar (the class is managed from the teacher's own server).
  // On a single-origin hub it warns first (the student's page would run as the teacher).
  await act('open').click();
  const [visit] = await Promise.all([
    context.waitForEvent('page'),
    page.locator('.jp-Dialog .jp-Dialog-button.jp-mod-warn').click()
  ]);
  // JupyterHub asks the visitor to authorize a visit to another user's server.
  const lab = new RegExp(`/user/${name}/lab`);
  await visit.waitForURL(
    url => /oauth2\/authorize/.test(url.href) || lab.test(url.href),
    {
      timeout: 60_000
    }
  );
  if (/oauth2\/authorize/.test(visit.url())) {
    await visit.getByRole('button', { name: 'Authorize' }).click();
  }
  await visit.waitForURL(lab, { timeout: 60_000 });
  await waitForLab(visit);
  await expect(visit.locator('body')).toHaveAttribute(
    'data-classroom-sidebar',
    'visitor'
  );
  await expect(classroomTab(visit)).toHaveCount(0);
  await screenshot(visit, 'students-08-admin-access');
  await visit.close();
  await act('stop').click();
  await expect(async () => {
    await refresh.click();
    await expect(item.locator('.jp-classroom-StudentItem-dot')).not.toHaveClass(
      /jp-mod-running/,
      { timeout: 2000 }
    );
  }).toPass({ timeout: 60_000 });

  // New password: confirmed, shown once, different from the first.
  await act('reset-password').click();
  await accept.click();
  await expect(shown).toBeVisible({ timeout: 30_000 });
  expect(await shown.textContent()).not.toBe(firstPassword);
  await accept.click();

  // Disable (locked badge) and enable again.
  await act('disable').click();
  await accept.click();
  await expect(item.locator('.jp-classroom-badge-locked')).toBeVisible();
  await act('enable').click();
  await expect(item.locator('.jp-classroom-badge-locked')).toHaveCount(0);

  // Make teacher and back.
  await act('make-teacher').click();
  await accept.click();
  await expect(item.locator('.jp-classroom-badge-teacher')).toBeVisible();
  await act('unmake-teacher').click();
  await accept.click();
  await expect(item.locator('.jp-classroom-badge-teacher')).toHaveCount(0);

  // Remove: the confirm dialog says that the home is archived.
  await act('remove').click();
  await expect(dialog).toContainText('/var/lib/jupyterhub-classroom/archive');
  await screenshot(page, 'students-09-remove-confirm');
  await accept.click();
  await expect(item).toHaveCount(0, { timeout: 60_000 });
  await context.close();
});
