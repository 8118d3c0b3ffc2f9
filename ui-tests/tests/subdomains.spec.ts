/**
 * Per-user subdomains (issue 8): when the teacher opens a student's server, the student's page
 * runs in the student's own origin and cannot call the teacher's server.
 *
 * Needs the hub in subdomain mode: `CLASSROOM_UI_SUBDOMAINS=1 npx playwright test
 * tests/subdomains.spec.ts` (start_hub.py then serves http://hub.localhost:PORT; Chromium
 * resolves *.localhost to loopback). Skipped against the default single-origin hub.
 */
import { expect, test } from '@playwright/test';

import { hubState, loginToLab, screenshot } from './hub';

interface ISubdomainState {
  url: string;
  subdomains?: boolean;
  teacher: { name: string; password: string };
  student?: { name: string; password: string };
}

/**
 * What a script in `page` gets when it calls `url` with the browser's cookies and the XSRF
 * token it can read (its own origin's `_xsrf` cookie, as JupyterLab sends it).
 */
async function scriptFetch(
  page: import('@playwright/test').Page,
  url: string
): Promise<string> {
  return page.evaluate(async target => {
    const xsrf = document.cookie.match(/(?:^|; )_xsrf=([^;]*)/);
    try {
      const r = await fetch(target, {
        credentials: 'include',
        headers: xsrf ? { 'X-XSRFToken': decodeURIComponent(xsrf[1]) } : {}
      });
      return `status ${r.status}`;
    } catch (e) {
      return `blocked ${e}`;
    }
  }, url);
}

test('a student page opened by the teacher cannot call the teacher server', async ({
  browser
}) => {
  const state = hubState() as unknown as ISubdomainState;
  test.skip(!state.subdomains, 'needs the hub in subdomain mode');
  const teacher = state.teacher.name;
  const student = state.student!;

  // the student's server runs (the student logged in once)
  const studentContext = await browser.newContext();
  await loginToLab(
    await studentContext.newPage(),
    student.name,
    student.password
  );
  await studentContext.close();

  const context = await browser.newContext();
  const page = await context.newPage();
  await loginToLab(page, teacher, state.teacher.password);
  const teacherOrigin = new URL(page.url()).origin;
  expect(new URL(teacherOrigin).hostname).toBe(`${teacher}.hub.localhost`);
  const teacherApi = `${teacherOrigin}/user/${teacher}/classroom/api/admin/users`;
  // the teacher's own page may call it (the sidebar does)
  expect(await scriptFetch(page, teacherApi)).toBe('status 200');

  // the teacher opens the student's server (hub asks to authorize the access)
  const visit = await context.newPage();
  await visit.goto(`${state.url}/user/${student.name}/lab`);
  const authorize = visit.locator('button[type=submit]:has-text("Authorize")');
  if (await authorize.isVisible({ timeout: 30_000 }).catch(() => false)) {
    await authorize.click();
  }
  await visit.waitForURL(new RegExp(`/user/${student.name}/lab`), {
    timeout: 120_000
  });
  await visit.waitForSelector('#jp-main-dock-panel', { timeout: 120_000 });
  expect(new URL(visit.url()).hostname).toBe(`${student.name}.hub.localhost`);
  await screenshot(visit, 'subdomains-teacher-in-student-server');

  // a script of the student's page: no answer from the teacher's server, no teacher cookies
  expect(await scriptFetch(visit, teacherApi)).toMatch(/^blocked/);
  const cookies = await visit.evaluate(() => document.cookie);
  expect(cookies).not.toContain(`jupyterhub-user-${teacher}`);
  await context.close();
});
