/**
 * The teacher's steps in the "Class live" panel, shared by the lesson specs: open it for a
 * class, view a student's notebook read-only, collect an assignment.
 */
import { expect, Locator, Page } from '@playwright/test';
import * as fs from 'fs';

import { hubState } from './hub';

/**
 * Open Class live (the Lesson section must be open) for `group`; wait until `student` is
 * listed online and a refresh shows their `kernel` (e.g. 'python', 'java').
 */
export async function openClassLive(
  page: Page,
  group: string,
  student: string,
  kernel: string
): Promise<{ live: Locator; row: Locator }> {
  await page.getByTestId('classroom-open-live').click();
  const live = page.getByTestId('classroom-class-live');
  await expect(live).toBeVisible();
  await live.locator('input[name="class"]').fill(group);
  await live.locator('button[type="submit"]').click();
  const row = live.locator(`tr[data-student="${student}"]`);
  await expect(row).toBeVisible();
  await expect(
    row.locator('.jp-classroom-ClassLive-dot.jp-mod-online')
  ).toHaveCount(1);
  // the panel refreshes by itself: the kernel shows once a refresh sees it
  await expect(row.locator('.jp-classroom-ClassLive-kernel')).toContainText(
    kernel,
    { timeout: 60_000 }
  );
  return { live, row };
}

/** "View" on a student's row, pick `path`: the read-only viewer in the main area. */
export async function viewNotebook(
  page: Page,
  row: Locator,
  path: string
): Promise<Locator> {
  await row.locator('button', { hasText: /View|Ansehen/ }).click();
  const pick = page.locator('.jp-Dialog');
  await pick
    .getByTestId('classroom-notebook-list')
    .locator(`tr[data-path="${path}"]`)
    .click();
  await pick.locator('.jp-Dialog-button.jp-mod-accept').click();
  const viewer = page.locator(
    '#jp-main-dock-panel [data-classroom-viewer="read-only"]'
  );
  await expect(viewer).toBeVisible();
  return viewer;
}

/**
 * Back on the Class live tab, collect `assignment` from `group`; the results list `student`
 * (take the screenshot, then call the returned `close`). Returns the teacher's copy of
 * `file` (the spec runs as root, like the hub), checked to be owned by the teacher.
 */
export async function collectFromLive(
  page: Page,
  live: Locator,
  where: { assignment: string; group: string; student: string; file: string }
): Promise<{ copy: string; close: () => Promise<void> }> {
  const { assignment, group, student, file } = where;
  await page
    .locator('#jp-main-dock-panel .lm-TabBar-tab', {
      hasText: /Class live|Klasse live/
    })
    .click();
  await live.locator('button', { hasText: /Collect|Einsammeln/ }).click();
  const dialog = page.locator('.jp-Dialog');
  await dialog.locator('input[name="assignment"]').fill(assignment);
  await expect(dialog.locator('input[name="class"]')).toHaveValue(group);
  await dialog.locator('.jp-Dialog-button.jp-mod-accept').click();
  await expect(page.getByTestId('classroom-handout-results')).toContainText(
    student
  );
  const teacher = hubState().teacher.name;
  const copyPath = `/home/${teacher}/notebooks/collected/${assignment}/${group}/${student}/${file}`;
  const copy = fs.readFileSync(copyPath, 'utf8');
  expect(fs.statSync(copyPath).uid).toBe(fs.statSync(`/home/${teacher}`).uid);
  return {
    copy,
    close: () =>
      page.locator('.jp-Dialog .jp-Dialog-button.jp-mod-accept').click()
  };
}
