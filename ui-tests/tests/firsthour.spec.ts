/**
 * The first hour, in German, at 1280×800 (issue 11): the teacher logs in, imports a roster,
 * double-clicks "Create", presses Escape (the passwords stay), reloads, gets the credentials
 * again, prints the slips, opens the class table in the main area, disables a student there;
 * that student then sees "gesperrt" at the login; opened by the teacher, another student's
 * server says whose it is (banner, tab title). On an installed host's school defaults
 * (start_hub.py runs the installer's defaults steps): no Jupyter news prompt for the teacher or
 * the student, no Extension Manager in the student's Lab. Every step's screenshot is attached to the
 * test output (and written to screenshots/).
 */
import { expect, Page, test, TestInfo } from '@playwright/test';
import * as fs from 'fs';

import {
  classroomTab,
  expectNoExtensionManager,
  expectNoNewsPrompt,
  hubState,
  loginToLab,
  openSection,
  parseCsv,
  screenshot,
  setLabLocale,
  waitForLab
} from './hub';

async function step(page: Page, info: TestInfo, name: string): Promise<void> {
  const file = await screenshot(page, `firsthour-${name}`);
  await info.attach(name, { path: file, contentType: 'image/png' });
}

/** The Students section, opened by the sidebar's tab (German Lab). */
async function openStudents(page: Page): Promise<void> {
  await expect(classroomTab(page)).toHaveCount(1);
  if (!(await page.locator('#jp-classroom-sidebar').isVisible())) {
    await classroomTab(page).click();
  }
  await expect(page.locator('#jp-classroom-sidebar')).toBeVisible();
  await openSection(page, /^Schüler/i);
}

// The hub is shared by every spec: the teacher's Lab goes back to English whatever happened.
test.afterAll(async ({ browser }) => {
  const hub = hubState();
  const context = await browser.newContext();
  const page = await context.newPage();
  await loginToLab(page, hub.teacher.name, hub.teacher.password);
  await setLabLocale(page, 'en');
  await context.close();
});

test('first hour in German: import, double-click, reload, credentials again, class table, disabled login', async ({
  browser
}, testInfo) => {
  const hub = hubState();
  const names = [`${hub.prefix}fa`, `${hub.prefix}fb`];
  const context = await browser.newContext({
    locale: 'de-DE',
    viewport: { width: 1280, height: 800 }
  });
  const page = await context.newPage();

  // --- 1. the teacher logs in, Lab in German ---------------------------------------------
  await loginToLab(page, hub.teacher.name, hub.teacher.password);
  await setLabLocale(page, 'de_DE');
  await page.goto(`${hub.url}/user/${hub.teacher.name}/lab`);
  await waitForLab(page);
  await openStudents(page);
  await expect(
    page.locator('#jp-classroom-sidebar .jp-AccordionPanel-title').first()
  ).toContainText('Schüler');
  await step(page, testInfo, '01-sidebar');

  // --- 2. import a roster, double-click "Create", Escape ---------------------------------
  await page
    .locator('#jp-classroom-sidebar [data-command="classroom:import-roster"]')
    .click();
  const dialog = page.locator('.jp-Dialog');
  await expect(dialog.getByTestId('classroom-import')).toBeVisible();
  const csv =
    '\ufeffusername;full name;password\n' +
    `${names[0]};Jana Jäger;\n` +
    `${names[1]};Ömer Öztürk;\n`;
  await dialog.getByTestId('classroom-import-file').setInputFiles({
    name: 'klasse.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(csv, 'utf8')
  });
  const rows = dialog.locator('[data-testid^="classroom-preview-row-"]');
  await expect(rows).toHaveCount(2);
  await step(page, testInfo, '02-preview');
  await dialog.getByTestId('classroom-import-apply').dblclick();
  const results = dialog.getByTestId('classroom-results-table');
  await expect(results).toBeVisible({ timeout: 120_000 });
  await expect(results.locator('tbody tr[data-ok="true"]')).toHaveCount(2);
  // the double-click and Escape did not close it; its button waits for the saved sheet
  await page.keyboard.press('Escape');
  await expect(dialog.getByTestId('classroom-results-table')).toBeVisible();
  await expect(
    dialog.locator('.jp-Dialog-footer button').last()
  ).toBeDisabled();
  await step(page, testInfo, '03-results-kept');

  // --- 3. reload: the credentials once more, slips printed ------------------------------
  await page.reload();
  await waitForLab(page);
  await openStudents(page);
  const again = page.getByTestId('classroom-get-last-credentials');
  await expect(again).toBeVisible();
  await expect(again).toContainText('Letzte Zugangsdaten erneut abrufen (bis');
  await step(page, testInfo, '04-after-reload');
  await again.click();
  const sheet = page.getByTestId('classroom-credential-sheet');
  await expect(sheet).toBeVisible();
  await expect(sheet.getByTestId('classroom-sheet-password')).toHaveCount(2);
  await expect(
    dialog.locator('.jp-Dialog-footer button').last()
  ).toBeDisabled();
  await step(page, testInfo, '05-credentials-again');
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    sheet.getByTestId('classroom-sheet-download').click()
  ]);
  // the German sheet: `;`-separated (German Excel), German header
  const text = fs.readFileSync(await download.path(), 'utf8');
  const table = text.includes(';')
    ? text
        .replace(/^\ufeff/, '')
        .trim()
        .split(/\r?\n/)
        .map(line => line.split(';').map(f => f.replace(/^"|"$/g, '')))
    : parseCsv(text);
  const passwords = new Map(table.slice(1).map(r => [r[0], r[2]]));
  expect([...passwords.keys()].sort()).toEqual([...names].sort());
  const [slips] = await Promise.all([
    context.waitForEvent('page'),
    sheet.getByTestId('classroom-sheet-print').click()
  ]);
  await slips.waitForLoadState();
  await expect(slips.locator('.slip')).toHaveCount(2);
  await expect(slips.locator('body')).toContainText('Passwort');
  await step(slips, testInfo, '06-slips');
  await slips.close();
  await expect(dialog.locator('.jp-Dialog-footer button').last()).toBeEnabled();
  await dialog.locator('.jp-Dialog-footer button').last().click();
  await expect(dialog).toHaveCount(0);

  // --- 4. the class table in the main area; disable one student --------------------------
  await page.getByTestId('classroom-open-class-table').click();
  const classTable = page.getByTestId('classroom-class-table');
  await expect(classTable).toBeVisible();
  const row = classTable.locator(
    `[data-testid="classroom-table-row"][data-name="${names[0]}"]`
  );
  await expect(row).toBeVisible();
  await step(page, testInfo, '07-class-table');
  await row.locator('input[type="checkbox"]').check();
  await classTable.getByTestId('classroom-bulk-disable').click();
  await expect(dialog).toContainText('Anmeldung sperren');
  await dialog.locator('.jp-Dialog-footer button').last().click();
  await expect(row).toContainText('Gesperrt', { timeout: 60_000 });
  // nothing cut off at 1280×800: the table's bulk bar fits in the main area
  const bar = await classTable
    .locator('.jp-classroom-ClassTable-bulk')
    .boundingBox();
  expect(bar && bar.x + bar.width).toBeLessThanOrEqual(1280);
  await step(page, testInfo, '08-disabled');
  // the teacher's Lab, long restored: no Jupyter news prompt (an installed host's default)
  await expectNoNewsPrompt(page);

  // --- 5. the disabled student sees why, in German ---------------------------------------
  const studentContext = await browser.newContext({
    locale: 'de-DE',
    viewport: { width: 1280, height: 800 }
  });
  const student = await studentContext.newPage();
  await student.goto(`${hub.url}/hub/login`);
  await student.locator('#username_input').fill(names[0]);
  await student
    .locator('#password_input')
    .fill(passwords.get(names[0]) as string);
  await student.locator('#login_submit').click();
  await expect(student.locator('.login_error')).toContainText(
    'Dieses Konto ist gesperrt'
  );
  await step(student, testInfo, '09-student-disabled');
  // the other student logs in with the sheet's password
  const other = await studentContext.newPage();
  await loginToLab(other, names[1], passwords.get(names[1]) as string);
  await expect(other.locator('body')).toHaveAttribute(
    'data-classroom-sidebar',
    'none'
  );
  await expectNoExtensionManager(other);
  await step(other, testInfo, '10-student-lab');

  // --- 6. the teacher opens that student's server: it says whose it is ------------------
  const visit = await context.newPage();
  await visit.goto(`${hub.url}/user/${names[1]}/lab`);
  // JupyterHub asks the teacher to authorize the student's server first (left on purpose)
  await visit.waitForLoadState();
  if (visit.url().includes('oauth2/authorize')) {
    await step(visit, testInfo, '11-authorize');
    await visit.locator('form button[type="submit"]').click();
  }
  await waitForLab(visit);
  // in the language of that Lab (the student's settings; the school's default on a host)
  const owner = new RegExp(`Server (von|of) ${names[1]}`);
  await expect(visit.getByTestId('classroom-owner-banner')).toHaveText(owner);
  await expect(visit).toHaveTitle(owner);
  await step(visit, testInfo, '12-teacher-in-student-server');
  await expectNoNewsPrompt(other);
  await studentContext.close();
  await context.close();
});
