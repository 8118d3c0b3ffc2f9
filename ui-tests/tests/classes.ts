/**
 * Steps shared by the class specs (classes.spec, classsync.spec): a WebUntis export, the
 * sidebar's roster import, the classes on the host, a class job's result, and the clean-up.
 */
import { expect, Page, Response, TestInfo } from '@playwright/test';

import { classroomApi } from './hub';

/**
 * The run's prefix, the spec's `mark` and one letter per repetition (`--repeat-each`,
 * retries): names unique to this run and spec.
 */
export function uniquePrefix(
  prefix: string,
  mark: string,
  info: TestInfo
): string {
  const letter = 'abcdefghijklmnopqrstuvwxyz'[
    (info.repeatEachIndex * 3 + info.retry) % 26
  ];
  return prefix + mark + letter;
}

/** A WebUntis export of these rows (last, first, class), its bytes in ISO-8859-1 (its default). */
export function webuntisExport(rows: [string, string, string][]): Buffer {
  const text =
    'Familienname;Vorname;Klassenbezeichnung;Geburtsdatum\r\n' +
    rows
      .map(([last, first, klass]) => `${last};${first};${klass};03.04.2010\r\n`)
      .join('');
  const bytes = Buffer.from(text, 'latin1');
  expect(bytes.includes(Buffer.from('ü', 'utf8'))).toBe(false); // really not UTF-8
  return bytes;
}

/** Open the sidebar's roster import and choose `file` (shown to the dialog as `name`). */
export async function openRosterImport(
  page: Page,
  file: Buffer,
  name: string
): Promise<void> {
  await page
    .locator('#jp-classroom-sidebar [data-command="classroom:import-roster"]')
    .click();
  const dialog = page.locator('.jp-Dialog');
  await expect(dialog.getByTestId('classroom-import')).toBeVisible();
  await dialog.getByTestId('classroom-import-file').setInputFiles({
    name,
    mimeType: 'text/csv',
    buffer: file
  });
}

/** Every class with its members (sorted), as the service has them. */
export async function classMembers(
  page: Page
): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const c of (await classroomApi(page, 'admin/classes')).data.classes) {
    out[c.name] = [...c.members].sort();
  }
  return out;
}

/** The result of the first finished job, among those the page's own polling reads, that `is`. */
export function finishedJob(
  page: Page,
  is: (result: any) => boolean
): Promise<any> {
  return page
    .waitForResponse(
      async (r: Response) => {
        if (!/\/classroom\/api\/admin\/jobs\//.test(r.url()) || !r.ok()) {
          return false;
        }
        const job = await r.json().catch(() => null);
        return job?.state === 'done' && is(job?.result ?? {});
      },
      { timeout: 180_000 }
    )
    .then(async r => (await r.json()).result);
}

/**
 * Leave nothing behind, also when the test failed half-way: remove the run's classes that
 * are left (their students' homes archived), then any of its students still there.
 */
export async function cleanUpClasses(
  page: Page,
  classes: string[],
  students: () => string[]
): Promise<void> {
  for (const name of classes) {
    if (name in (await classMembers(page))) {
      await classroomApi(page, `admin/classes/${name}`, { method: 'DELETE' });
    }
  }
  await expect
    .poll(async () => Object.keys(await classMembers(page)), {
      timeout: 180_000
    })
    .toEqual(expect.not.arrayContaining(classes));
  const left = (await classroomApi(page, 'admin/users')).data.users.map(
    (u: any) => u.name
  );
  for (const name of students().filter(n => n && left.includes(n))) {
    await classroomApi(page, `admin/users/${name}`, { method: 'DELETE' });
  }
}
