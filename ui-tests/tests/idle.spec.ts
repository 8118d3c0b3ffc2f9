/**
 * Issue 14 through the Classroom sidebar against a real JupyterHub (global-setup.js): the
 * teacher sees the idle timeouts (lesson defaults: kernels 20 min, servers 60 min), changes the
 * server timeout, and the service stores it; a refused value shows the service's message and
 * changes nothing.
 */
import { expect, test } from '@playwright/test';

import {
  classroomApi,
  hubState,
  loginToLab,
  openClassroom,
  screenshot,
  waitForLab
} from './hub';

const SECTION = /^(Idle timeouts|Leerlauf-Zeitlimits)/i;

test('idle timeouts: shown, edited and stored', async ({ browser }) => {
  const hub = hubState();
  const context = await browser.newContext();
  const page = await context.newPage();
  await loginToLab(page, hub.teacher.name, hub.teacher.password);
  try {
    await openClassroom(page, SECTION);
    const kernel = page.locator(
      '#jp-classroom-idle input[name="kernelIdleMinutes"]'
    );
    const server = page.locator(
      '#jp-classroom-idle input[name="serverIdleMinutes"]'
    );
    await expect(kernel).toHaveValue('20');
    await expect(server).toHaveValue('60');
    // the capacity estimate from the bench's per-student figure and this host's memory
    await expect(page.getByTestId('classroom-capacity')).toContainText(
      /about \d+ active students with Java/
    );

    await server.fill('45');
    await kernel.fill('15');
    await page.locator('#jp-classroom-idle button[type="submit"]').click();
    await expect(
      page.locator('#jp-classroom-idle [role="status"]')
    ).toContainText('Saved');
    await screenshot(page, 'idle-01-saved');
    const stored = await classroomApi(page, 'admin/culling');
    expect(stored.data).toEqual({
      kernel_idle_seconds: 900,
      server_idle_seconds: 2700
    });

    // a value below 10 seconds is refused with the service's message; nothing changes
    await kernel.fill('0.1');
    await page.locator('#jp-classroom-idle button[type="submit"]').click();
    await expect(
      page.locator('#jp-classroom-idle [role="status"]')
    ).toContainText('kernel_idle_seconds');
    expect(
      (await classroomApi(page, 'admin/culling')).data.kernel_idle_seconds
    ).toBe(900);

    // after a reload the sidebar shows what is stored
    await page.reload();
    await waitForLab(page);
    await openClassroom(page, SECTION);
    await expect(kernel).toHaveValue('15');
    await expect(server).toHaveValue('45');
  } finally {
    await classroomApi(page, 'admin/culling', {
      method: 'PUT',
      body: { kernel_idle_seconds: 1200, server_idle_seconds: 3600 }
    });
    await context.close();
  }
});
