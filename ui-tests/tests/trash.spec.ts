/**
 * Nothing is lost (issue 10): a Python package and a kernel removed in the Classroom sidebar
 * are listed in their section's trash and come back with Restore, against a real JupyterHub
 * (global-setup.js).
 */
import { expect, Page, test } from '@playwright/test';
import * as fs from 'fs';
import * as path from 'path';

import {
  classroomApi,
  hubState,
  loginToLab,
  openClassroom,
  openSection,
  screenshot,
  waitForLab
} from './hub';

async function confirmRemoval(page: Page): Promise<void> {
  await page.locator('.jp-Dialog .jp-Dialog-button.jp-mod-warn').click();
}

test('trash: restore a removed Python package and a removed kernel', async ({
  browser
}) => {
  test.setTimeout(360_000);
  const hub = hubState();
  const page = await (await browser.newContext()).newPage();

  // A kernelspec of this run in the folder the classroom service manages (the hub's venv),
  // made before the sidebar loads its list; removed again at the end whatever happens.
  const served = await (async () => {
    await loginToLab(page, hub.teacher.name, hub.teacher.password);
    return classroomApi(page, 'admin/kernels');
  })();
  const managed = served.data.kernels.find(
    (k: any) => !String(k.location).startsWith('/usr/')
  );
  const kernelName = `${hub.prefix}k`;
  const kernelDir = managed
    ? path.join(path.dirname(String(managed.location)), kernelName)
    : '';
  if (kernelDir) {
    fs.mkdirSync(kernelDir, { recursive: true });
    fs.writeFileSync(
      path.join(kernelDir, 'kernel.json'),
      JSON.stringify({
        argv: [
          'python3',
          '-m',
          'ipykernel_launcher',
          '-f',
          '{connection_file}'
        ],
        display_name: `Trash test ${kernelName}`,
        language: 'python'
      })
    );
  }
  try {
    await page.reload();
    await waitForLab(page);
    await openClassroom(page);

    // --- a Python package: install, remove, restore ----------------------------------------
    await openSection(page, /^Libraries/i);
    const pylibs = page.getByTestId('classroom-pylibs');
    await pylibs
      .getByLabel('Package (NAME or NAME==VERSION)')
      .fill('six==1.16.0');
    await pylibs.getByRole('button', { name: 'Install' }).click();
    const six = pylibs.locator('[data-testid="classroom-pylib"]', {
      hasText: 'six==1.16.0'
    });
    await expect(six).toBeVisible({ timeout: 180_000 });
    await six.getByRole('button', { name: 'Remove' }).click();
    await confirmRemoval(page);
    await expect(six).toHaveCount(0);
    const pyTrash = page.getByTestId('classroom-pylibs-trash');
    await pyTrash.locator('summary').click();
    await screenshot(page, 'trash-01-python-package-in-the-trash');
    await pyTrash
      .locator('[data-name="six"]')
      .getByRole('button', { name: 'Restore' })
      .click();
    await expect(six).toBeVisible();
    await expect(pyTrash).toHaveCount(0);
    const packages = (await classroomApi(page, 'admin/pylibs')).data;
    expect(packages.packages.map((p: any) => p.name)).toContain('six');
    expect(packages.trash).toEqual([]);

    // --- a kernel: remove, restore -----------------------------------------------------------
    if (!kernelDir) {
      test.info().annotations.push({
        type: 'not checked',
        description:
          'this hub has no kernel folder of its own (only /usr/...): kernel restore not run'
      });
      return;
    }
    await openSection(page, /^Kernels/i);
    const item = page.locator(
      `[data-testid="classroom-kernel"][data-name="${kernelName}"]`
    );
    await expect(item).toBeVisible();
    await item.getByRole('button', { name: 'Remove' }).click();
    await confirmRemoval(page);
    await expect(item).toHaveCount(0);
    expect(fs.existsSync(kernelDir)).toBe(false);
    const kTrash = page.getByTestId('classroom-kernels-trash');
    await kTrash.locator('summary').click();
    await screenshot(page, 'trash-02-kernel-in-the-trash');
    await kTrash
      .locator(`[data-name="${kernelName}"]`)
      .getByRole('button', { name: 'Restore' })
      .click();
    await expect(item).toBeVisible();
    expect(fs.existsSync(path.join(kernelDir, 'kernel.json'))).toBe(true);
    await screenshot(page, 'trash-03-kernel-restored');
  } finally {
    if (kernelDir) {
      fs.rmSync(kernelDir, { recursive: true, force: true });
    }
    await classroomApi(page, 'admin/pylibs/six', { method: 'DELETE' });
    await page.context().close();
  }
});
