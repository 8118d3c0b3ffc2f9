/**
 * Roster files as schools export them, through the sidebar: the browser uploads the file's
 * bytes and shows the server's preview. A WebUntis export (ISO-8859-1) and a SchILD export
 * (UTF-8 with BOM) give the same preview as `classroom users import --dry-run --json` on the
 * shell, umlauts intact, with the class column; an unknown header asks which column is which;
 * a refused file shows the server's message.
 */
import { expect, Page, test } from '@playwright/test';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { hubState, loginToLab, openClassroom, screenshot } from './hub';

const PYTHON =
  process.env.CLASSROOM_LAB_PYTHON ||
  path.resolve(__dirname, '..', '..', '.venv', 'bin', 'python');

interface IShown {
  username: string;
  full_name: string;
  class_name: string;
  action: string;
}

/** The preview as the shell shows it for the same file. */
function cliPreview(file: string): IShown[] {
  const { scratch } = hubState() as any;
  const out = execFileSync(
    PYTHON,
    [
      '-m',
      'jupyter_extension_companion.cli',
      '--prefix',
      scratch,
      'users',
      'import',
      file,
      '--dry-run',
      '--json'
    ],
    { encoding: 'utf8' }
  );
  return JSON.parse(out).rows.map((r: any) => ({
    username: r.username ?? '',
    full_name: r.input.full_name ?? '',
    class_name: r.class_name ?? '',
    action: r.action
  }));
}

/** The preview as the sidebar shows it. */
async function shownPreview(page: Page): Promise<IShown[]> {
  const rows = page.locator(
    '.jp-Dialog [data-testid^="classroom-preview-row-"]'
  );
  const out: IShown[] = [];
  for (let i = 0; i < (await rows.count()); i++) {
    const row = rows.nth(i);
    out.push({
      username: (await row.getAttribute('data-username')) ?? '',
      full_name: (
        await row.locator('.jp-classroom-PreviewTable-name').innerText()
      ).trim(),
      class_name: (
        await row.locator('.jp-classroom-PreviewTable-class').innerText()
      ).trim(),
      action: (await row.getAttribute('data-action')) ?? ''
    });
  }
  return out;
}

async function openImport(page: Page): Promise<void> {
  await page
    .locator('#jp-classroom-sidebar [data-command="classroom:import-roster"]')
    .click();
  await expect(
    page.locator('.jp-Dialog').getByTestId('classroom-import')
  ).toBeVisible();
}

async function closeImport(page: Page): Promise<void> {
  await page.locator('.jp-Dialog .jp-Dialog-button').last().click();
  await expect(page.locator('.jp-Dialog')).toHaveCount(0);
}

test('school exports: the sidebar shows the same preview as the CLI, umlauts intact', async ({
  page
}) => {
  const hub = hubState();
  const p = hub.prefix;
  const P = p.charAt(0).toUpperCase() + p.slice(1);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'classroom-roster-'));
  const files: { name: string; bytes: Buffer }[] = [
    {
      name: 'webuntis.csv',
      bytes: Buffer.from(
        'Familienname;Vorname;Klassenbezeichnung;Geburtsdatum\r\n' +
          `Müller;${P}ra Jürgen;10a;03.04.2010\r\n` +
          `Weiß;${P}rb Björn;10b;17.11.2009\r\n`,
        'latin1'
      )
    },
    {
      name: 'schild.csv',
      bytes: Buffer.from(
        '\ufeffNachname;Vorname;Klasse;Geburtsdatum;Geschlecht\r\n' +
          `Größe;${P}rc Änne;Q1;12.05.2008;w\r\n` +
          `Öztürk;${P}rd Ömer;Q1;30.09.2007;m\r\n`,
        'utf8'
      )
    }
  ];

  await loginToLab(page, hub.teacher.name, hub.teacher.password);
  await openClassroom(page);
  for (const file of files) {
    const onDisk = path.join(dir, file.name);
    fs.writeFileSync(onDisk, file.bytes);
    await openImport(page);
    await page
      .locator('.jp-Dialog')
      .getByTestId('classroom-import-file')
      .setInputFiles({
        name: file.name,
        mimeType: 'text/csv',
        buffer: file.bytes
      });
    await expect(
      page.locator('.jp-Dialog [data-testid^="classroom-preview-row-"]')
    ).toHaveCount(2);
    const shown = await shownPreview(page);
    expect(shown).toEqual(cliPreview(onDisk));
    expect(shown.map(r => r.full_name).join(' ')).toMatch(
      file.name === 'webuntis.csv'
        ? /Jürgen Müller.*Björn Weiß/
        : /Änne Größe.*Ömer Öztürk/
    );
    expect(shown.every(r => r.action === 'create')).toBe(true);
    await screenshot(page, `roster-${file.name}`);
    await closeImport(page);
  }

  // an unknown header: the teacher says which column is which
  await openImport(page);
  const dialog = page.locator('.jp-Dialog');
  await dialog.getByTestId('classroom-import-file').setInputFiles({
    name: 'liste.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(
      `Spalte A;Spalte B;Kl.\nMüller;${P}re Jürgen;7c\n`,
      'utf8'
    )
  });
  await expect(dialog.getByTestId('classroom-import-mapping')).toBeVisible();
  await dialog
    .getByTestId('classroom-mapping-column-0')
    .selectOption('last_name');
  await dialog
    .getByTestId('classroom-mapping-column-1')
    .selectOption('first_name');
  await dialog
    .getByTestId('classroom-mapping-column-2')
    .selectOption('class_name');
  await screenshot(page, 'roster-mapping');
  await dialog.getByTestId('classroom-mapping-apply').click();
  const shown = await (async () => {
    await expect(
      dialog.locator('[data-testid^="classroom-preview-row-"]')
    ).toHaveCount(1);
    return shownPreview(page);
  })();
  expect(shown).toEqual([
    {
      username: `${p}re-mueller`,
      full_name: `${P}re Jürgen Müller`,
      class_name: '7c',
      action: 'create'
    }
  ]);
  await closeImport(page);

  // a file the server refuses: its message, not "[object Object]"
  await openImport(page);
  await dialog.getByTestId('classroom-import-file').setInputFiles({
    name: 'liste.xlsx',
    mimeType: 'application/octet-stream',
    buffer: Buffer.from('PK\u0003\u0004 not a csv', 'latin1')
  });
  const alert = dialog.locator('.jp-classroom-error[role="alert"]');
  await expect(alert).toContainText('save it as CSV');
  await expect(alert).not.toContainText('[object Object]');
  await screenshot(page, 'roster-refused');
  await closeImport(page);
  fs.rmSync(dir, { recursive: true, force: true });
});
