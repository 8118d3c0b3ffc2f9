/**
 * Issue 12 item 2: the teacher moves a student to another class from the class table (main
 * area): filtered by the student's class, selected, "Move to class…", the other class picked.
 * Runs against a real JupyterHub (global-setup.js); the run's classes and student are removed
 * in `finally`, also after a failure.
 */
import { expect, Page, test } from '@playwright/test';

import {
  classroomApi,
  hubState,
  loginToLab,
  openClassroom,
  runCommand,
  screenshot
} from './hub';

async function members(page: Page, name: string): Promise<string[] | null> {
  const classes = (await classroomApi(page, 'admin/classes')).data.classes;
  return classes.find((c: any) => c.name === name)?.members ?? null;
}

test('teacher moves a student to another class from the class table', async ({
  browser
}) => {
  const hub = hubState();
  const [from, to] = [`${hub.prefix}ma`, `${hub.prefix}mb`];
  const student = `${hub.prefix}mv`;
  const context = await browser.newContext();
  const page = await context.newPage();
  await loginToLab(page, hub.teacher.name, hub.teacher.password);
  try {
    const made = await classroomApi(page, 'admin/users', {
      method: 'POST',
      body: { name: student, full_name: 'Jürgen Wechsel' }
    });
    expect(made.status).toBe(201);
    for (const name of [from, to]) {
      const created = await classroomApi(page, 'admin/classes', {
        method: 'POST',
        body: { name }
      });
      expect(created.status).toBe(201);
    }
    const added = await classroomApi(page, `admin/classes/${from}/members`, {
      method: 'POST',
      body: { users: [student] }
    });
    expect(added.status).toBe(200);

    await openClassroom(page);
    await page.getByTestId('classroom-open-class-table').click();
    const table = page.getByTestId('classroom-class-table');
    await expect(table).toBeVisible();
    // the list was loaded before the classes were made: reload it
    await runCommand(page, 'classroom:refresh');
    await expect(
      table
        .getByTestId('classroom-table-class')
        .locator(`option[value="${from}"]`)
    ).toHaveCount(1);
    await table.getByTestId('classroom-table-class').selectOption(from);
    const row = table.locator(
      `[data-testid="classroom-table-row"][data-name="${student}"]`
    );
    await expect(row).toBeVisible();
    await row.locator('input[type="checkbox"]').check();
    await table.getByTestId('classroom-bulk-move').click();

    const dialog = page.locator('.jp-Dialog');
    await expect(dialog).toContainText(from);
    await dialog.locator('select').selectOption(to);
    await screenshot(page, 'classmove-01-choose-class');
    await dialog.locator('.jp-Dialog-footer .jp-mod-accept').click();
    await expect(dialog).toHaveCount(0);

    await expect(
      page.locator('.Toastify__toast').filter({ hasText: student })
    ).toBeVisible();
    expect(await members(page, to)).toEqual([student]);
    expect(await members(page, from)).toEqual([]);
    // the table follows: the student is no longer listed under the old class
    await expect(row).toHaveCount(0);
    await table.getByTestId('classroom-table-class').selectOption(to);
    await expect(row).toBeVisible();
    await screenshot(page, 'classmove-02-moved');
  } finally {
    // the classes go (a student in no other class is removed, home archived), then the
    // student if still there
    for (const name of [to, from]) {
      if ((await members(page, name).catch(() => null)) !== null) {
        await classroomApi(page, `admin/classes/${name}`, { method: 'DELETE' });
      }
    }
    await expect
      .poll(
        async () =>
          (await members(page, to)) === null &&
          (await members(page, from)) === null,
        { timeout: 180_000 }
      )
      .toBe(true);
    const left = (await classroomApi(page, 'admin/users')).data.users.map(
      (u: any) => u.name
    );
    if (left.includes(student)) {
      await classroomApi(page, `admin/users/${student}`, { method: 'DELETE' });
    }
    await context.close();
  }
});
