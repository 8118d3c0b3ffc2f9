/**
 * The lesson (issue 13) in a real hub: the teacher hands out a notebook from the file
 * browser's context menu to a class (a hub group); the student opens it from
 * ~/notebooks/<assignment>, runs it and saves; the teacher sees the student online with a
 * running Python kernel in the "Class live" panel, views the notebook read-only with the
 * student's output, and collects it into ~/notebooks/collected/.
 */
import { expect, Page, test } from '@playwright/test';

import {
  classroomApi,
  hubState,
  loginToLab,
  openClassroom,
  saveNotebook,
  screenshot,
  waitForLab
} from './hub';
import { collectFromLive, openClassLive, viewNotebook } from './classlive';

/** Make the hub group `name` with `users` (a class) as the logged-in teacher (hub cookie). */
async function makeClass(
  page: Page,
  name: string,
  users: string[]
): Promise<void> {
  const { url } = hubState();
  const hubPage = await page.context().newPage();
  await hubPage.goto(`${url}/hub/home`);
  const status = await hubPage.evaluate(
    async ({ name, users }) => {
      const xsrf = (document.cookie.match(/(?:^|;\s*)_xsrf=([^;]*)/) ?? [])[1];
      const r = await fetch(`/hub/api/groups/${name}`, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          ...(xsrf ? { 'X-XSRFToken': decodeURIComponent(xsrf) } : {})
        },
        body: JSON.stringify({ users })
      });
      return r.status;
    },
    { name, users }
  );
  await hubPage.close();
  expect(status).toBe(201);
}

test('teacher hands out to a class, sees it live, views and collects', async ({
  browser
}) => {
  test.setTimeout(420_000);
  const hub = hubState();
  const student = `${hub.prefix}l`;
  const group = `${hub.prefix}class`;
  const assignment = `lesson${Date.now() % 100000}`;
  const marker = `LESSON-OUTPUT-${Date.now()}`;

  // --- the teacher: a student in a class, an exercise in ~/notebooks ----------------------
  const teacherContext = await browser.newContext();
  const page = await teacherContext.newPage();
  await loginToLab(page, hub.teacher.name, hub.teacher.password);
  const added = await classroomApi(page, 'admin/users', {
    method: 'POST',
    body: { name: student }
  });
  expect(added.status).toBe(201);
  const password: string = added.data.credentials.password;
  await makeClass(page, group, [student]);
  await saveNotebook(page, `${assignment}.ipynb`, {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: 'python3', display_name: 'Python 3' } },
    cells: [
      {
        cell_type: 'code',
        metadata: {},
        execution_count: null,
        outputs: [],
        source: `print('${marker}')`
      }
    ]
  });
  await page.goto(`${hub.url}/user/${hub.teacher.name}/lab?reset`);
  await waitForLab(page);

  // --- hand out: right click in the file browser -------------------------------------------
  const item = page.locator('.jp-DirListing-item', {
    hasText: `${assignment}.ipynb`
  });
  await item.click({ button: 'right' });
  await page
    .locator('.lm-Menu-item[data-command="classroom:hand-out"]')
    .click();
  const dialog = page.locator('.jp-Dialog');
  await expect(dialog.locator('input[name="source"]')).toHaveValue(
    `${assignment}.ipynb`
  );
  await expect(dialog.locator('input[name="assignment"]')).toHaveValue(
    assignment
  );
  await dialog.locator('input[name="class"]').fill(group);
  await screenshot(page, 'lesson-01-hand-out');
  await dialog.locator('.jp-Dialog-button.jp-mod-accept').click();
  const results = page.getByTestId('classroom-handout-results');
  await expect(results).toBeVisible({ timeout: 60_000 });
  await expect(results.locator('tr.jp-mod-handed_out')).toContainText(student);
  await screenshot(page, 'lesson-02-handed-out');
  await page.locator('.jp-Dialog .jp-Dialog-button.jp-mod-accept').click();

  // --- the student opens it from ~/notebooks/<assignment>, runs it, saves ----------------
  const studentContext = await browser.newContext();
  const studentPage = await studentContext.newPage();
  await loginToLab(studentPage, student, password);
  await studentPage.goto(
    `${hub.url}/user/${student}/lab/tree/${assignment}/${assignment}.ipynb`
  );
  await waitForLab(studentPage);
  const cell = studentPage.locator('.jp-CodeCell').first();
  await expect(cell).toBeVisible();
  await expect(
    studentPage.locator('.jp-Notebook-ExecutionIndicator[data-status="idle"]')
  ).toHaveCount(1, { timeout: 90_000 });
  await cell.locator('.cm-content').click();
  await studentPage.keyboard.press('Shift+Enter');
  await expect(cell.locator('.jp-OutputArea-output')).toContainText(marker, {
    timeout: 90_000
  });
  await studentPage.keyboard.press('Control+s');
  await expect(
    studentPage.locator('.jp-mod-current .jp-mod-dirty')
  ).toHaveCount(0);

  // --- the teacher: Class live ------------------------------------------------------------
  await openClassroom(page, /^(Lesson|Unterricht)/i);
  const { live, row } = await openClassLive(page, group, student, 'python');
  await screenshot(page, 'lesson-03-class-live');

  // --- view the student's notebook read-only (the existing viewer) ------------------------
  const viewer = await viewNotebook(
    page,
    row,
    `${assignment}/${assignment}.ipynb`
  );
  await expect(viewer.getByText(marker).first()).toBeVisible();
  await screenshot(page, 'lesson-04-view');

  // --- collect from the live panel -------------------------------------------------------
  const collected = await collectFromLive(page, live, {
    assignment,
    group,
    student,
    file: `${assignment}.ipynb`
  });
  await screenshot(page, 'lesson-05-collected');
  await collected.close();
  expect(collected.copy).toContain(marker);
  await studentContext.close();
  await teacherContext.close();
});
