/**
 * Classes in the Students section: the teacher sees two classes, filters by one, disables it
 * for an exam (its student cannot log in, the other class's student can), and removes the
 * class at the end of the year (its student's home archived, the account gone). Runs against
 * a real JupyterHub (global-setup.js).
 */
import { expect, test } from '@playwright/test';

import {
  classroomApi,
  hubState,
  loginToLab,
  openClassroom,
  runCommand,
  screenshot
} from './hub';

test('teacher filters by class, disables a class for an exam and removes it', async ({
  browser
}) => {
  const hub = hubState();
  const [ka, kb] = [`${hub.prefix}ka`, `${hub.prefix}kb`];
  const [sa, sb] = [`${hub.prefix}ca`, `${hub.prefix}cb`];
  const context = await browser.newContext();
  const page = await context.newPage();
  await loginToLab(page, hub.teacher.name, hub.teacher.password);
  const passwords: Record<string, string> = {};
  for (const [name, full] of [
    [sa, 'Jürgen Ärger'],
    [sb, 'Zoë Weiß']
  ]) {
    const made = await classroomApi(page, 'admin/users', {
      method: 'POST',
      body: { name, full_name: full }
    });
    expect(made.status).toBe(201);
    passwords[name] = made.data.credentials.password;
  }
  for (const [klass, member] of [
    [ka, sa],
    [kb, sb]
  ]) {
    expect(
      (
        await classroomApi(page, 'admin/classes', {
          method: 'POST',
          body: { name: klass }
        })
      ).status
    ).toBe(201);
    const added = await classroomApi(page, `admin/classes/${klass}/members`, {
      method: 'POST',
      body: { users: [member] }
    });
    expect(added.status).toBe(200);
  }

  await openClassroom(page);
  await runCommand(page, 'classroom:refresh');
  const headers = page.getByTestId('classroom-class-header');
  await expect(headers.filter({ hasText: ka })).toHaveCount(1);
  await expect(headers.filter({ hasText: kb })).toHaveCount(1);
  await screenshot(page, 'classes-01-grouped');

  // filter by class ka: only its student is listed, right away (not at the list's next
  // refresh, 30 s later: the list must follow the filter, not only the students)
  await expect(
    page.locator('.jp-classroom-StudentsView-status')
  ).not.toHaveText('Loading…');
  await page.getByTestId('classroom-class-filter').selectOption(ka);
  await expect(page.getByTestId(`classroom-student-${sa}`)).toBeVisible();
  await expect(page.getByTestId(`classroom-student-${sb}`)).toHaveCount(0, {
    timeout: 10_000
  });

  // an exam: disable class ka
  await page.getByTestId('classroom-class-actions').selectOption('disable');
  const dialog = page.locator('.jp-Dialog');
  await expect(dialog).toContainText(ka);
  await dialog.locator('.jp-mod-warn').click();
  await expect
    .poll(
      async () =>
        (await classroomApi(page, 'admin/users')).data.users.find(
          (u: any) => u.name === sa
        )?.locked,
      { timeout: 60_000 }
    )
    .toBe(true);
  await screenshot(page, 'classes-02-disabled');

  // its student cannot log in and is told the account is disabled; the other class's can
  const other = await browser.newContext();
  const login = await other.newPage();
  await login.goto(`${hub.url}/hub/login`);
  await login.locator('#username_input').fill(sa);
  await login.locator('#password_input').fill(passwords[sa]);
  await login.locator('#login_submit').click();
  await expect(login.locator('text=/This account is disabled/')).toBeVisible();
  await other.close();
  const second = await browser.newContext();
  await loginToLab(await second.newPage(), sb, passwords[sb]);
  await second.close();

  // end of the year: remove class ka (its student's home archived, the account gone)
  await page.getByTestId('classroom-class-filter').selectOption(ka);
  await page.getByTestId('classroom-class-actions').selectOption('remove');
  await expect(dialog).toContainText(ka);
  await dialog.locator('.jp-mod-warn').click();
  await expect
    .poll(
      async () =>
        (await classroomApi(page, 'admin/classes')).data.classes.map(
          (c: any) => c.name
        ),
      { timeout: 120_000 }
    )
    .not.toContain(ka);
  await expect(
    page.locator('.Toastify__toast').filter({ hasText: 'homes archived' })
  ).toBeVisible();
  const users = (await classroomApi(page, 'admin/users')).data.users;
  expect(users.some((u: any) => u.name === sa)).toBe(false);
  await screenshot(page, 'classes-03-removed');

  // clean up class kb through the same route (its student's home archived)
  const removal = await classroomApi(page, `admin/classes/${kb}`, {
    method: 'DELETE'
  });
  expect(removal.status).toBe(202);
  await context.close();
});
