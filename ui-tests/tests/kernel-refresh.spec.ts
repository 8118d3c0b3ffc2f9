/**
 * Issue 10: installing the Java kernel from the Kernels section updates the Libraries section
 * without a reload: the shared jar's kernel column goes from "on no kernel's class path" to
 * "kernels: java" (LibrariesModel follows KernelsModel.kernelsChanged).
 *
 * The hub of global-setup.js uses the venv's kernel folder, so an earlier spec (or run) may
 * have installed the Java kernel already: the spec then removes it from the Kernels section
 * first and reloads Lab, so that the check starts from a page that never saw it.
 */
import { expect, test } from '@playwright/test';

import {
  classroomApi,
  hubState,
  loginToLab,
  openClassroom,
  openSection,
  screenshot,
  waitForLab
} from './hub';
import { makeJar } from './libs';

const LIBRARIES = /^(Libraries|Bibliotheken)/i;
const KERNELS = /^Kernel/i;

test('installing the Java kernel updates the Libraries section without a reload', async ({
  browser
}) => {
  // a kernel removal and an install (pip and the kernelspec) on a busy machine
  test.setTimeout(480_000);
  const hub = hubState();
  const context = await browser.newContext();
  const page = await context.newPage();
  const jarName = `${hub.prefix}-refresh.jar`;
  try {
    await loginToLab(page, hub.teacher.name, hub.teacher.password);
    await openClassroom(page, KERNELS);
    const kernels = page.getByTestId('classroom-kernels');
    // the list is loaded once a kernel shows (Python is always there)
    await expect(
      kernels.locator('[data-testid="classroom-kernel"]').first()
    ).toBeVisible();
    const java = kernels.locator(
      '[data-testid="classroom-kernel"][data-name="java"]:not(.jp-mod-shadowed)'
    );
    if ((await java.count()) > 0) {
      await java.getByRole('button', { name: 'Remove' }).click();
      const confirm = page.locator('.jp-Dialog', {
        hasText: 'Remove the kernel'
      });
      await confirm.locator('.jp-Dialog-button.jp-mod-accept').click();
      await expect(java).toHaveCount(0, { timeout: 60_000 });
      // a fresh page: what follows is seen by models that never knew the Java kernel
      await page.reload();
      await waitForLab(page);
    }

    // a jar in this run's shared folder: on no kernel's class path yet
    await openClassroom(page, LIBRARIES);
    await page.getByTestId('classroom-jar-file').setInputFiles({
      name: jarName,
      mimeType: 'application/java-archive',
      buffer: makeJar(jarName)
    });
    const jar = page.locator(
      `[data-testid="classroom-jar"][data-file="${jarName}"]`
    );
    await expect(jar).toContainText('on no kernel’s class path', {
      timeout: 60_000
    });

    // install the Java kernel from the Kernels section
    await openSection(page, KERNELS);
    await expect(java).toHaveCount(0);
    await kernels.getByRole('button', { name: 'Install Java (JJava)' }).click();
    const folder = (await classroomApi<{ folder: string }>(page, 'admin/jars'))
      .data.folder;
    await expect(java).toContainText(`JJAVA_CLASSPATH=${folder}/*`, {
      timeout: 300_000
    });

    // the Libraries section followed, without a reload
    await openSection(page, LIBRARIES);
    await expect(jar).toContainText('kernels: java', { timeout: 30_000 });
    await expect(jar).not.toContainText('on no kernel’s class path');
    await screenshot(page, 'kernel-refresh-01-jar-on-the-java-kernel');
  } finally {
    await classroomApi(page, `admin/jars/${encodeURIComponent(jarName)}`, {
      method: 'DELETE'
    }).catch(() => undefined);
    await context.close();
  }
});
