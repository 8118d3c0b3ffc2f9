/**
 * Outside a hub (a plain `jupyter lab`), the Classroom sidebar says that it needs JupyterHub
 * instead of failing. Uses Galata's own fixtures (project "lab" in playwright.config.js).
 */
import { expect, test } from '@jupyterlab/galata';

import { screenshot } from './hub';

test('outside a hub the Classroom sidebar says it needs JupyterHub', async ({
  page
}) => {
  await page.waitForSelector('body[data-classroom-sidebar]', {
    state: 'attached'
  });
  await expect(page.locator('body')).toHaveAttribute(
    'data-classroom-sidebar',
    'no-hub'
  );
  await page.sidebar.openTab('jp-classroom-sidebar');
  expect(await page.sidebar.isTabOpen('jp-classroom-sidebar')).toBe(true);
  await expect(page.getByTestId('classroom-needs-hub')).toBeVisible();
  await expect(page.getByTestId('classroom-needs-hub')).toContainText(
    'needs JupyterHub'
  );
  // No student management without a hub.
  await expect(page.locator('#jp-classroom-students')).toHaveCount(0);
  await screenshot(page, 'nohub-01-sidebar');
});
