/**
 * Re-importing a school export is a sync (issue 12): the teacher imports a WebUntis export
 * (ISO-8859-1, `;`, two classes) through the sidebar, then next term's version of it, in
 * which one student changed class and one is gone. The import dialog shows the sync plan per
 * student (1 moved, 1 no longer listed, the rest unchanged); the teacher ticks the one gone
 * for "archive home and remove" and applies. On the host: that account is gone, its home's
 * archive exists, the moved student is in the new class only. Runs against a real JupyterHub
 * (global-setup.js); every wait is on a condition the page or the service shows.
 */
import { expect, test } from '@playwright/test';
import { execFileSync } from 'child_process';
import * as fs from 'fs';

import {
  classroomApi,
  hubState,
  loginToLab,
  openClassroom,
  parseCsv,
  screenshot,
  waitForLab
} from './hub';
import {
  classMembers,
  cleanUpClasses,
  finishedJob,
  openRosterImport,
  uniquePrefix,
  webuntisExport
} from './classes';

/** Whether the host has a system account of that name. */
function systemAccount(name: string): boolean {
  try {
    execFileSync('getent', ['passwd', name], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

test('a re-import shows who moved and who is gone; the gone one is archived and removed', async ({
  browser
}, testInfo) => {
  test.setTimeout(600_000);
  const hub = hubState();
  // "y" for this spec: no other spec's names start so
  const p = uniquePrefix(hub.prefix, 'y', testInfo);
  const P = p.charAt(0).toUpperCase() + p.slice(1);
  const [ka, kb] = [`${p}10a`, `${p}10b`];
  const context = await browser.newContext({ acceptDownloads: true });
  const page = await context.newPage();
  await loginToLab(page, hub.teacher.name, hub.teacher.password);
  await openClassroom(page);
  const dialog = page.locator('.jp-Dialog');
  // the four students, by their first name's tag: a stays in ka, b moves ka -> kb,
  // c leaves (gone from the export), d stays in kb
  const user: Record<string, string> = {};
  let cleaned = false;
  try {
    // --- the first import: two classes that do not exist yet ----------------------------------
    const first = webuntisExport([
      ['Müller', `${P}a Jürgen`, ka],
      ['Weiß', `${P}b Zoë`, ka],
      ['Groß', `${P}c Ömer`, kb],
      ['Brandt', `${P}d Lea`, kb]
    ]);
    await openRosterImport(page, first, 'webuntis-herbst.csv');
    const rows = dialog.locator('[data-testid^="classroom-preview-row-"]');
    await expect(rows).toHaveCount(4, { timeout: 60_000 });
    for (const [i, tag] of ['a', 'b', 'c', 'd'].entries()) {
      user[tag] = (await rows.nth(i).getAttribute('data-username')) ?? '';
      expect(user[tag].startsWith(`${p}${tag}`)).toBe(true);
      await expect(rows.nth(i)).toHaveAttribute('data-action', 'create');
    }
    // new classes: the sync is offered, but off (nothing to sync yet)
    await expect(dialog.getByTestId('classroom-import-sync')).not.toBeChecked();
    await dialog.getByTestId('classroom-import-apply').click();
    const results = dialog.getByTestId('classroom-results-table');
    await expect(results).toBeVisible({ timeout: 180_000 });
    await expect(results.locator('tbody tr[data-ok="true"]')).toHaveCount(4);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      dialog.getByTestId('classroom-download-credentials').click()
    ]);
    const sheet = parseCsv(fs.readFileSync(await download.path(), 'utf8'));
    expect(
      sheet
        .slice(1)
        .map(r => r[0])
        .sort()
    ).toEqual(Object.values(user).sort());
    await dialog.locator('.jp-Dialog-button').last().click();
    await expect(dialog).toHaveCount(0);
    await expect
      .poll(() => classMembers(page), { timeout: 60_000 })
      .toMatchObject({
        [ka]: [user.a, user.b].sort(),
        [kb]: [user.c, user.d].sort()
      });

    // --- next term: b changed to kb, c is gone ------------------------------------------------
    const second = webuntisExport([
      ['Müller', `${P}a Jürgen`, ka],
      ['Weiß', `${P}b Zoë`, kb],
      ['Brandt', `${P}d Lea`, kb]
    ]);
    await openRosterImport(page, second, 'webuntis-fruehjahr.csv');
    const plan = dialog.getByTestId('classroom-sync-plan');
    await expect(plan).toBeVisible({ timeout: 60_000 });
    // the classes exist: the dialog syncs by default
    await expect(dialog.getByTestId('classroom-import-sync')).toBeChecked();
    const planned = plan.getByTestId('classroom-sync-row');
    const moved = planned.and(page.locator('[data-status="moved"]'));
    const gone = planned.and(page.locator('[data-status="gone"]'));
    const unchanged = planned.and(page.locator('[data-status="unchanged"]'));
    await expect(moved).toHaveCount(1);
    await expect(gone).toHaveCount(1);
    await expect(unchanged).toHaveCount(2);
    await expect(planned).toHaveCount(4);
    await expect(moved).toHaveAttribute('data-username', user.b);
    await expect(moved.locator('.jp-classroom-SyncPlan-class')).toHaveText(
      `${ka} → ${kb}`
    );
    await expect(gone).toHaveAttribute('data-username', user.c);
    await expect(gone).toContainText(`${P}c Ömer Groß`);
    expect(
      (
        await unchanged.evaluateAll(rs =>
          rs.map(r => r.getAttribute('data-username'))
        )
      ).sort()
    ).toEqual([user.a, user.d].sort());
    await expect(dialog.getByTestId('classroom-sync-summary')).toHaveText(
      '0 new, 2 unchanged, 1 moved to another class, 1 no longer listed.'
    );
    // never removed unless ticked
    const tick = dialog.getByTestId(`classroom-sync-remove-${user.c}`);
    await expect(tick).not.toBeChecked();
    await screenshot(page, 'classsync-01-plan');
    await tick.check();
    const apply = dialog.getByTestId('classroom-import-apply');
    await expect(apply).toHaveText('Apply: 0 new, 1 moved, 1 removed');
    await screenshot(page, 'classsync-02-ticked');
    const done = finishedJob(page, result => Array.isArray(result.removed));
    await apply.click();
    const result = await done;
    await expect(dialog.getByTestId('classroom-sync-done')).toBeVisible({
      timeout: 180_000
    });
    await expect(
      dialog.locator(
        `[data-testid="classroom-sync-removed"] li[data-username="${user.c}"]`
      )
    ).toBeVisible();
    await screenshot(page, 'classsync-03-applied');

    // --- on the host ----------------------------------------------------------------------------
    expect(result.removed.map((r: any) => r.name)).toEqual([user.c]);
    const archive: string = result.removed[0].archive;
    expect(archive).toMatch(new RegExp(`/${user.c}-[^/]*\\.tar\\.gz$`));
    expect(fs.statSync(archive).size).toBeGreaterThan(0);
    expect(systemAccount(user.c)).toBe(false);
    expect(systemAccount(user.b)).toBe(true);
    const names = (await classroomApi(page, 'admin/users')).data.users.map(
      (u: any) => u.name
    );
    expect(names).not.toContain(user.c);
    expect(names).toEqual(expect.arrayContaining([user.a, user.b, user.d]));
    const now = await classMembers(page);
    expect(now[ka]).toEqual([user.a]);
    expect(now[kb]).toEqual([user.b, user.d].sort());
    // no passwords in this sync: the dialog closes at once
    await dialog.locator('.jp-Dialog-button').last().click();
    await expect(dialog).toHaveCount(0);
    await expect(page.getByTestId(`classroom-student-${user.c}`)).toHaveCount(
      0,
      {
        timeout: 60_000
      }
    );

    // --- a new student arrives: a sync with a password loses nothing ------------------------
    const third = webuntisExport([
      ['Müller', `${P}a Jürgen`, ka],
      ['Weiß', `${P}b Zoë`, kb],
      ['Brandt', `${P}d Lea`, kb],
      ['Çelik', `${P}e Aylin`, kb]
    ]);
    await openRosterImport(page, third, 'webuntis-sommer.csv');
    await expect(planned).toHaveCount(4, { timeout: 60_000 });
    await expect(dialog.getByTestId('classroom-import-sync')).toBeChecked();
    const arriving = planned.and(page.locator('[data-status="new"]'));
    await expect(arriving).toHaveCount(1);
    user.e = (await arriving.getAttribute('data-username')) ?? '';
    expect(user.e.startsWith(`${p}e`)).toBe(true);
    await expect(unchanged).toHaveCount(3);
    // a double-click on "Apply" and Escape: the passwords stay until they are saved
    await dialog.getByTestId('classroom-import-apply').dblclick();
    const arrived = dialog.getByTestId('classroom-results-table');
    await expect(arrived).toBeVisible({ timeout: 180_000 });
    await expect(arrived.locator('tbody tr[data-ok="true"]')).toHaveCount(1);
    await page.keyboard.press('Escape');
    await expect(arrived).toBeVisible();
    await expect(
      dialog.locator('.jp-Dialog-footer button').last()
    ).toBeDisabled();
    await screenshot(page, 'classsync-04-new-student');
    // after a reload: the credentials once more
    await page.reload();
    await waitForLab(page);
    await openClassroom(page);
    const again = page.getByTestId('classroom-get-last-credentials');
    await expect(again).toBeVisible({ timeout: 60_000 });
    await again.click();
    const kept = page.getByTestId('classroom-credential-sheet');
    await expect(kept).toBeVisible();
    await expect(kept.getByTestId('classroom-sheet-password')).toHaveCount(1);
    await expect(kept).toContainText(user.e);
    const [saved] = await Promise.all([
      page.waitForEvent('download'),
      kept.getByTestId('classroom-sheet-download').click()
    ]);
    const renewed = parseCsv(fs.readFileSync(await saved.path(), 'utf8'));
    expect(renewed.slice(1).map(r => r[0])).toEqual([user.e]);
    expect(renewed[1][2].length).toBeGreaterThanOrEqual(8);
    await expect(
      dialog.locator('.jp-Dialog-footer button').last()
    ).toBeEnabled();
    await dialog.locator('.jp-Dialog-footer button').last().click();
    await expect(dialog).toHaveCount(0);
    expect((await classMembers(page))[kb]).toEqual(
      [user.b, user.d, user.e].sort()
    );

    await cleanUpClasses(page, [ka, kb], () => Object.values(user));
    cleaned = true;
  } finally {
    if (!cleaned && !page.isClosed()) {
      // after a failure: best effort (the run's teardown removes accounts and groups too)
      await cleanUpClasses(page, [ka, kb], () => Object.values(user)).catch(
        error =>
          console.warn(`classsync.spec: clean-up after the failure: ${error}`)
      );
    }
    await context.close();
  }
});
