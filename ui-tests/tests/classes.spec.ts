/**
 * Classes through the sidebar (issue 12): the teacher imports a WebUntis export (ISO-8859-1,
 * `;`, two classes) with the roster import, sees the two classes in the Students section,
 * prints new passwords and slips for one class, disables that class for an exam (its student
 * cannot log in, the other class's student can), and removes the class at the end of the
 * year (one archive per student's home, the account gone). Runs against a real JupyterHub
 * (global-setup.js); every wait is on a condition the page or the service shows.
 */
import { expect, Page, test } from '@playwright/test';
import * as fs from 'fs';

import {
  classroomApi,
  hubState,
  loginToLab,
  openClassroom,
  parseCsv,
  screenshot
} from './hub';
import {
  cleanUpClasses,
  finishedJob,
  openRosterImport,
  uniquePrefix,
  webuntisExport
} from './classes';

/** The class list's answer settles: every class shown with its members, in the filter too. */
async function expectClasses(
  page: Page,
  expected: Record<string, number>
): Promise<void> {
  const headers = page.getByTestId('classroom-class-header');
  const filter = page.getByTestId('classroom-class-filter');
  for (const [name, count] of Object.entries(expected)) {
    await expect(headers.filter({ hasText: `${name} (${count})` })).toHaveCount(
      1,
      { timeout: 60_000 }
    );
    await expect(
      filter.locator('option').filter({ hasText: `${name} (${count})` })
    ).toHaveCount(1, { timeout: 60_000 });
  }
}

/**
 * Pick ``name`` in the class filter: the list shows only its students right away (not at the
 * list's next refresh, 30 s later: the list follows the filter, not only the students).
 */
async function filterBy(
  page: Page,
  name: string,
  shown: string[],
  hidden: string[]
): Promise<void> {
  const filter = page.getByTestId('classroom-class-filter');
  await expect(
    page.locator('.jp-classroom-StudentsView-status')
  ).not.toHaveText('Loading…');
  await filter.selectOption(name);
  await expect(filter).toHaveValue(name);
  for (const s of shown) {
    await expect(page.getByTestId(`classroom-student-${s}`)).toBeVisible();
  }
  for (const s of hidden) {
    await expect(page.getByTestId(`classroom-student-${s}`)).toHaveCount(0, {
      timeout: 10_000
    });
  }
}

test('teacher imports a WebUntis export, prints slips, disables and removes a class', async ({
  browser
}, testInfo) => {
  test.setTimeout(600_000);
  const hub = hubState();
  const p = uniquePrefix(hub.prefix, '', testInfo);
  const P = p.charAt(0).toUpperCase() + p.slice(1);
  // class names with the run's prefix: unique per run, removed by the teardown
  const [ka, kb] = [`${p}10a`, `${p}10b`];
  const context = await browser.newContext({ acceptDownloads: true });
  const page = await context.newPage();
  await loginToLab(page, hub.teacher.name, hub.teacher.password);
  await openClassroom(page);
  let [sa, sb] = ['', ''];
  let cleaned = false;
  try {
    // --- import: a WebUntis export, its bytes in ISO-8859-1 ---------------------------------
    await openRosterImport(
      page,
      webuntisExport([
        ['Müller', `${P}ca Jürgen`, ka],
        ['Weiß', `${P}cb Zoë`, kb]
      ]),
      'webuntis-export.csv'
    );
    const dialog = page.locator('.jp-Dialog');
    const rows = dialog.locator('[data-testid^="classroom-preview-row-"]');
    await expect(rows).toHaveCount(2, { timeout: 60_000 });
    sa = (await rows.nth(0).getAttribute('data-username')) ?? '';
    sb = (await rows.nth(1).getAttribute('data-username')) ?? '';
    expect(sa.startsWith(`${p}ca`)).toBe(true);
    expect(sb.startsWith(`${p}cb`)).toBe(true);
    await expect(rows.nth(0)).toHaveAttribute('data-action', 'create');
    await expect(rows.nth(1)).toHaveAttribute('data-action', 'create');
    await expect(
      rows.nth(0).locator('.jp-classroom-PreviewTable-name')
    ).toHaveText(`${P}ca Jürgen Müller`);
    await expect(
      rows.nth(1).locator('.jp-classroom-PreviewTable-name')
    ).toHaveText(`${P}cb Zoë Weiß`);
    await expect(
      rows.nth(0).locator('.jp-classroom-PreviewTable-class')
    ).toHaveText(ka);
    await expect(
      rows.nth(1).locator('.jp-classroom-PreviewTable-class')
    ).toHaveText(kb);
    await screenshot(page, 'classes-01-import-preview');
    await expect(dialog.getByTestId('classroom-import-apply')).toBeEnabled();
    await dialog.getByTestId('classroom-import-apply').click();
    const results = dialog.getByTestId('classroom-results-table');
    await expect(results).toBeVisible({ timeout: 180_000 });
    await expect(results.locator('tbody tr[data-ok="true"]')).toHaveCount(2);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      dialog.getByTestId('classroom-download-credentials').click()
    ]);
    const imported = parseCsv(fs.readFileSync(await download.path(), 'utf8'));
    const passwords = new Map(imported.slice(1).map(r => [r[0], r[2]]));
    expect(passwords.get(sa)?.length ?? 0).toBeGreaterThanOrEqual(8);
    expect(passwords.get(sb)?.length ?? 0).toBeGreaterThanOrEqual(8);
    await screenshot(page, 'classes-02-imported');
    await dialog.locator('.jp-Dialog-button').last().click();
    await expect(dialog).toHaveCount(0);

    // --- the two classes in the Students section ---------------------------------------------
    await expectClasses(page, { [ka]: 1, [kb]: 1 });
    await expect(page.getByTestId(`classroom-student-${sa}`)).toBeVisible();
    await expect(page.getByTestId(`classroom-student-${sb}`)).toBeVisible();
    const classes = (await classroomApi(page, 'admin/classes')).data.classes;
    expect(classes.find((c: any) => c.name === ka)?.members).toEqual([sa]);
    expect(classes.find((c: any) => c.name === kb)?.members).toEqual([sb]);
    const users = (await classroomApi(page, 'admin/users')).data.users;
    expect(users.find((u: any) => u.name === sa)?.full_name).toBe(
      `${P}ca Jürgen Müller`
    );
    await screenshot(page, 'classes-03-two-classes');
    await filterBy(page, ka, [sa], [sb]);
    await screenshot(page, 'classes-04-filtered');

    // --- new passwords and slips for class ka ------------------------------------------------
    const actions = page.getByTestId('classroom-class-actions');
    await expect(actions).toBeEnabled();
    await actions.selectOption('slips');
    await expect(dialog).toContainText(ka);
    await screenshot(page, 'classes-05-slips-confirm');
    const slipsResult = finishedJob(
      page,
      result => result.action === 'set_password'
    );
    const [slips, sheet] = await Promise.all([
      context.waitForEvent('page', { timeout: 180_000 }),
      page.waitForEvent('download', { timeout: 180_000 }),
      dialog.locator('.jp-mod-warn').click()
    ]);
    expect(sheet.suggestedFilename()).toBe(`credentials-${ka}.csv`);
    const renewed = parseCsv(fs.readFileSync(await sheet.path(), 'utf8'));
    expect(renewed.slice(1).map(r => r[0])).toEqual([sa]);
    const newPassword = renewed[1][2];
    expect(newPassword.length).toBeGreaterThanOrEqual(8);
    expect(newPassword).not.toBe(passwords.get(sa));
    expect(renewed[1][3]).toBe(ka);
    expect((await slipsResult).credentials.map((c: any) => c.name)).toEqual([
      sa
    ]);
    await slips.waitForLoadState();
    await expect(slips).toHaveTitle(new RegExp(ka));
    const slip = slips.locator('.slip');
    await expect(slip).toHaveCount(1);
    await expect(slip).toContainText(ka);
    await expect(slip).toContainText(sa);
    await expect(slip).toContainText(newPassword);
    await screenshot(slips, 'classes-06-slips');
    await slips.close();
    await expect(actions).toBeEnabled({ timeout: 60_000 });

    // --- an exam: disable class ka ----------------------------------------------------------
    await expect(page.getByTestId('classroom-class-filter')).toHaveValue(ka);
    await actions.selectOption('disable');
    await expect(dialog).toContainText(ka);
    await dialog.locator('.jp-mod-warn').click();
    await expect
      .poll(
        async () =>
          (await classroomApi(page, 'admin/users')).data.users.find(
            (u: any) => u.name === sa
          )?.locked,
        { timeout: 120_000 }
      )
      .toBe(true);
    expect(
      (await classroomApi(page, 'admin/users')).data.users.find(
        (u: any) => u.name === sb
      )?.locked
    ).toBeFalsy();
    await expect(actions).toBeEnabled({ timeout: 60_000 });
    await screenshot(page, 'classes-07-disabled');

    // its student cannot log in and is told the account is disabled; the other class's can
    const refused = await browser.newContext();
    const login = await refused.newPage();
    await login.goto(`${hub.url}/hub/login`);
    await login.locator('#username_input').fill(sa);
    await login.locator('#password_input').fill(newPassword);
    await login.locator('#login_submit').click();
    await expect(login.locator('text=/This account is disabled/')).toBeVisible({
      timeout: 60_000
    });
    expect(login.url()).not.toMatch(new RegExp(`/user/${sa}/`));
    await screenshot(login, 'classes-08-disabled-login');
    await refused.close();
    const other = await browser.newContext();
    const otherPage = await other.newPage();
    await loginToLab(otherPage, sb, passwords.get(sb) as string);
    await expect(otherPage.locator('body')).toHaveAttribute(
      'data-classroom-sidebar',
      'none'
    );
    await screenshot(otherPage, 'classes-09-other-class-lab');
    await other.close();

    // --- end of the year: remove class ka (the home archived, the account gone) -----------
    await expect(page.getByTestId('classroom-class-filter')).toHaveValue(ka);
    await actions.selectOption('remove');
    await expect(dialog).toContainText(ka);
    await screenshot(page, 'classes-10-remove-confirm');
    const removed = finishedJob(
      page,
      result => result.action === 'remove_class'
    );
    await dialog.locator('.jp-mod-warn').click();
    const result = await removed;
    expect(result.name).toBe(ka);
    expect(result.members.map((m: any) => [m.name, m.ok])).toEqual([
      [sa, true]
    ]);
    const archive: string = result.members[0].archive;
    expect(archive).toMatch(new RegExp(`/${sa}-[^/]*\\.tar\\.gz$`));
    // the archive is there and not empty (the test runs as root on the hub's host)
    expect(fs.statSync(archive).size).toBeGreaterThan(0);
    await expect(
      page.locator('.Toastify__toast').filter({ hasText: '1 homes archived' })
    ).toBeVisible({ timeout: 60_000 });
    await expect
      .poll(
        async () =>
          (await classroomApi(page, 'admin/classes')).data.classes.map(
            (c: any) => c.name
          ),
        { timeout: 60_000 }
      )
      .toEqual(expect.not.arrayContaining([ka]));
    const left = (await classroomApi(page, 'admin/users')).data.users.map(
      (u: any) => u.name
    );
    expect(left).not.toContain(sa);
    expect(left).toContain(sb);
    // the list follows: class ka gone, the filter back on all classes, kb still there
    await expect(
      page
        .getByTestId('classroom-class-filter')
        .locator('option', { hasText: ka })
    ).toHaveCount(0, { timeout: 60_000 });
    await expectClasses(page, { [kb]: 1 });
    await expect(page.getByTestId(`classroom-student-${sa}`)).toHaveCount(0);
    await screenshot(page, 'classes-11-removed');

    // the other class goes too (its student's home archived)
    await cleanUpClasses(page, [ka, kb], () => [sa, sb]);
    cleaned = true;
  } finally {
    if (!cleaned && !page.isClosed()) {
      // after a failure: best effort (the run's teardown removes accounts and groups too)
      await cleanUpClasses(page, [ka, kb], () => [sa, sb]).catch(error =>
        console.warn(`classes.spec: clean-up after the failure: ${error}`)
      );
    }
    await context.close();
  }
});
