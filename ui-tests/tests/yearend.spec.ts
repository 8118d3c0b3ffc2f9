/**
 * The guided end of the school year (Students section, class actions menu): the teacher
 * promotes one class (…10a → …11a, students kept) and lets another leave: its export (homes,
 * list without passwords) is downloaded before the class is removed, its student is gone and
 * the student's home archive exists. Runs against a real JupyterHub (global-setup.js).
 */
import { expect, Page, test } from '@playwright/test';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import {
  classroomApi,
  hubState,
  loginToLab,
  openClassroom,
  runCommand,
  screenshot
} from './hub';

/** Follow a job started through the API to its end. */
async function finished(page: Page, job: string): Promise<void> {
  await expect
    .poll(
      async () => (await classroomApi(page, `admin/jobs/${job}`)).data.state,
      { timeout: 120_000 }
    )
    .not.toBe('running');
}

test('teacher promotes one class and lets another leave (export downloaded, archives kept)', async ({
  browser
}, testInfo) => {
  const hub = hubState();
  // every repeat of this spec gets its own names (the prefix is removed by the teardown)
  const run = `${hub.prefix}${'abcdefghij'[testInfo.repeatEachIndex % 10]}`;
  const [stays, leaves] = [`${run}10a`, `${run}12b`];
  const promoted = `${run}11a`;
  const [sa, sb] = [`${run}ya`, `${run}yb`];
  const context = await browser.newContext({ acceptDownloads: true });
  const page = await context.newPage();
  let saved = '';
  try {
    await loginToLab(page, hub.teacher.name, hub.teacher.password);
    const passwords: Record<string, string> = {};
    for (const [name, full] of [
      [sa, 'Jörg Übel'],
      [sb, 'Maß Öztürk']
    ]) {
      const made = await classroomApi(page, 'admin/users', {
        method: 'POST',
        body: { name, full_name: full }
      });
      expect(made.status).toBe(201);
      passwords[name] = made.data.credentials.password;
    }
    for (const [klass, member] of [
      [stays, sa],
      [leaves, sb]
    ]) {
      expect(
        (
          await classroomApi(page, 'admin/classes', {
            method: 'POST',
            body: { name: klass }
          })
        ).status
      ).toBe(201);
      expect(
        (
          await classroomApi(page, `admin/classes/${klass}/members`, {
            method: 'POST',
            body: { users: [member] }
          })
        ).status
      ).toBe(200);
    }

    await openClassroom(page);
    await runCommand(page, 'classroom:refresh');
    const menu = page.getByTestId('classroom-class-actions');
    await expect(
      page
        .getByTestId('classroom-class-filter')
        .locator(`option[value="${leaves}"]`)
    ).toHaveCount(1);
    await expect(menu.locator('option[value="yearend"]')).toHaveCount(1);
    await menu.selectOption('yearend');

    const dialog = page.locator('.jp-Dialog');
    const header = dialog.locator('.jp-Dialog-header');
    await expect(header).toContainText(/End of school year|Schuljahresende/);
    await dialog.locator('.jp-mod-accept').click(); // Start

    // one step per class: ours are decided, any other class of the hub stays
    let seen = 0;
    for (;;) {
      await expect(header).toContainText(/\(\d+ (of|von) \d+\)|plan|Plan/);
      const title = (await header.innerText()).trim();
      if (!/\(\d+ (of|von) \d+\)/.test(title)) {
        break; // the plan
      }
      const choice = dialog.getByTestId('classroom-yearend-choice');
      await expect(choice).toBeVisible();
      if (title.includes(` ${stays} `)) {
        // the new name is suggested: the number goes up
        await expect(dialog.getByTestId('classroom-yearend-to')).toHaveValue(
          promoted
        );
        await dialog.getByTestId('classroom-yearend-promote').check();
        await screenshot(page, 'yearend-01-promote');
        seen += 1;
      } else if (title.includes(` ${leaves} `)) {
        await expect(choice).toContainText(sb);
        await dialog.getByTestId('classroom-yearend-leave').check();
        await screenshot(page, 'yearend-02-leave');
        seen += 1;
      }
      await dialog.getByRole('button', { name: /^(Next|Weiter)$/ }).click();
      // wait for the next dialog (a new title) before reading it
      await expect(header).not.toHaveText(title);
    }
    expect(seen).toBe(2);

    // the plan: the leaving class first, then the promotion
    const summary = dialog.getByTestId('classroom-yearend-summary');
    await expect(
      summary.getByTestId(`classroom-yearend-step-${leaves}`)
    ).toBeVisible();
    await expect(
      summary.getByTestId(`classroom-yearend-step-${stays}`)
    ).toContainText(promoted);
    await screenshot(page, 'yearend-03-plan');
    const download = page.waitForEvent('download', { timeout: 180_000 });
    await dialog.locator('.jp-mod-warn').click(); // Run

    // the export arrives before the class is removed
    const file = await download;
    expect(file.suggestedFilename()).toMatch(
      new RegExp(`^${leaves}-\\d{8}T\\d{6}Z(-\\d+)?\\.tar\\.gz$`)
    );
    saved = path.join(
      fs.mkdtempSync(path.join(os.tmpdir(), 'yearend-')),
      file.suggestedFilename()
    );
    await file.saveAs(saved);
    const entries = execFileSync('tar', ['-tzf', saved], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean);
    expect(entries).toEqual(
      expect.arrayContaining([
        `${leaves}/students.csv`,
        `${leaves}/homes/${sb}.tar.gz`
      ])
    );
    const list = execFileSync(
      'tar',
      ['-xzOf', saved, `${leaves}/students.csv`],
      {
        encoding: 'utf8'
      }
    );
    expect(list).toContain(sb);
    expect(list).toContain('Maß Öztürk');
    expect(list).not.toContain(passwords[sb]);

    // the summary: both steps done, the leaver's home archive exists
    await expect(header).toContainText(/done|erledigt/, { timeout: 180_000 });
    await expect(dialog.getByTestId('classroom-yearend-counts')).toBeVisible();
    await expect(
      dialog.getByTestId(`classroom-yearend-step-${leaves}`)
    ).toHaveAttribute('data-state', 'done');
    await expect(
      dialog.getByTestId(`classroom-yearend-step-${stays}`)
    ).toHaveAttribute('data-state', 'done');
    const archives = await dialog
      .getByTestId('classroom-yearend-archive')
      .allInnerTexts();
    expect(archives).toHaveLength(1);
    expect(path.basename(archives[0])).toContain(sb);
    expect(fs.existsSync(archives[0].trim())).toBe(true);
    await screenshot(page, 'yearend-04-summary');
    await dialog.getByRole('button', { name: /^(Close|Schließen)$/ }).click();

    // the host agrees: the promoted class keeps its student, the leaving one is gone
    const classes = (await classroomApi(page, 'admin/classes')).data.classes;
    const names = classes.map((c: any) => c.name);
    expect(names).toContain(promoted);
    expect(names).not.toContain(stays);
    expect(names).not.toContain(leaves);
    expect(classes.find((c: any) => c.name === promoted).members).toEqual([sa]);
    const users = (await classroomApi(page, 'admin/users')).data.users;
    expect(users.some((u: any) => u.name === sb)).toBe(false);
    expect(users.some((u: any) => u.name === sa)).toBe(true);
    await expect(
      page
        .getByTestId('classroom-class-filter')
        .locator(`option[value="${promoted}"]`)
    ).toHaveCount(1);
    await screenshot(page, 'yearend-05-after');
  } finally {
    // even after a failure: this repeat's classes and their students (homes archived)
    for (const klass of [promoted, stays, leaves]) {
      try {
        const removal = await classroomApi(page, `admin/classes/${klass}`, {
          method: 'DELETE'
        });
        if (removal.status === 202) {
          await finished(page, removal.data.job);
        }
      } catch (error) {
        console.warn(`yearend cleanup of ${klass}: ${error}`);
      }
    }
    if (saved) {
      fs.rmSync(path.dirname(saved), { recursive: true, force: true });
    }
    await context.close();
  }
});
