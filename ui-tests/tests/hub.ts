/**
 * Helpers for specs that run against the real JupyterHub started by global-setup.js.
 *
 * Galata's own fixtures expect a plain Jupyter server; under a hub we log in through the
 * hub's login form ourselves and then wait for JupyterLab.
 */
import { expect, Page } from '@playwright/test';
import * as fs from 'fs';
import * as path from 'path';

// eslint-disable-next-line @typescript-eslint/no-var-requires
const { readState } = require('../hub-state');
// eslint-disable-next-line @typescript-eslint/no-var-requires
const { OUTPUT_DIR } = require('../output-dir');

export interface IHubState {
  url: string;
  /** clt + 5 random letters, unique to this run; every account the tests make starts with it. */
  prefix: string;
  teacher: { name: string; password: string };
}

export function hubState(): IHubState {
  return readState() as IHubState;
}

/** Where screenshots go (kept by CI as artefacts). */
export const SCREENSHOTS = path.join(OUTPUT_DIR, 'screenshots');

export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

/**
 * Log in through the hub form and wait until the user's JupyterLab is ready and restored.
 * Then `lab?reset`: a fresh workspace, so no spec depends on the
 * layout (open tabs, open side bar) that an earlier spec left for the same user.
 */
export async function loginToLab(
  page: Page,
  name: string,
  password: string
): Promise<void> {
  const { url } = hubState();
  await page.goto(`${url}/hub/login`);
  await page.locator('#username_input').fill(name);
  await page.locator('#password_input').fill(password);
  await page.locator('#login_submit').click();
  // Fail fast on a refused login or a failed spawn instead of waiting for the timeout.
  // the URL is enough (waitForLab below waits for concrete elements): Lab's "load" event
  // waits for every chunk and can take minutes on a busy host
  const lab = page.waitForURL(new RegExp(`/user/${name}/lab`), {
    timeout: 120_000,
    waitUntil: 'commit'
  });
  const problem = page
    .locator(
      'text=/Invalid username or password|Internal Server Error|Spawn failed/'
    )
    .first()
    .waitFor({ timeout: 120_000 })
    .then(async () => {
      throw new Error(
        `hub login or spawn failed for ${name}: ${await page.locator('body').innerText()}`
      );
    });
  await Promise.race([lab, problem]);
  problem.catch(() => undefined);
  await page.goto(`${url}/user/${name}/lab?reset`, { waitUntil: 'commit' });
  await waitForLab(page);
}

/**
 * Wait for JupyterLab's shell, for its restored state, and for the Classroom extension's
 * decision about its sidebar. Lab shows its splash screen from the start of the plugins until
 * the layout is restored (`app.restored`); the shell is attached after the splash, so once the
 * shell is there, the splash leaving means: restored. Only then do clicks and commands act
 * on the final layout (a click during restoring may toggle a panel the restorer opens).
 */
export async function waitForLab(page: Page): Promise<void> {
  await page.waitForSelector('#jp-main-dock-panel', { timeout: 120_000 });
  await page.waitForSelector('#jupyterlab-splash', {
    state: 'detached',
    timeout: 120_000
  });
  await page.waitForSelector('body[data-classroom-sidebar]', {
    state: 'attached',
    timeout: 60_000
  });
}

/**
 * Run a JupyterLab command by its id through the command palette (the same for every UI
 * language; the palette marks each item with `data-command`). The modal palette closes when
 * it loses the focus: to open the Classroom sidebar use `openClassroom`.
 */
export async function runCommand(page: Page, id: string): Promise<void> {
  const palette = page.locator('.jp-ModalCommandPalette');
  if (!(await palette.isVisible())) {
    await page.keyboard.press('Control+Shift+C');
  }
  await expect(palette).toBeVisible();
  await palette.locator('input').fill('');
  // the palette re-renders when commands change (e.g. while the class list loads): a click
  // event on the item, without waiting for it to hold still
  await palette
    .locator(`.lm-CommandPalette-item[data-command="${id}"]`)
    .first()
    .dispatchEvent('click');
  await expect(palette).toBeHidden();
}

/** The left side bar tab of the Classroom sidebar. */
export function classroomTab(page: Page) {
  return page.locator(
    '.jp-SideBar .lm-TabBar-tab[data-id="jp-classroom-sidebar"]'
  );
}

/**
 * Open the Classroom sidebar (teachers only) and expand `section`. As galata's
 * `page.sidebar.openTab`: the tab is clicked only when it is not the current one (a click on
 * the current tab closes the sidebar), then the test waits for the tab to be current and the
 * sidebar shown. No keyboard shortcut: the modal command palette closes when anything takes
 * the focus (the sidebar's lists load meanwhile), which made this step flaky.
 */
export async function openClassroom(
  page: Page,
  section: RegExp = /^(Students|Schüler)/i
): Promise<void> {
  const tab = classroomTab(page);
  await expect(tab).toHaveCount(1);
  const current = await tab.evaluate(el =>
    el.classList.contains('lm-mod-current')
  );
  if (!current) {
    await tab.click();
  }
  await expect(tab).toHaveClass(/\blm-mod-current\b/);
  await expect(page.locator('#jp-classroom-sidebar')).toBeVisible();
  await openSection(page, section);
}

/**
 * Expand one section of the Classroom sidebar and collapse the others. Lab restores the
 * accordion's state per user, so a spec never relies on what an earlier one left open.
 */
export async function openSection(page: Page, section: RegExp): Promise<void> {
  const titles = page.locator('#jp-classroom-sidebar .jp-AccordionPanel-title');
  await expect(titles.filter({ hasText: section })).toHaveCount(1);
  for (let i = 0; i < (await titles.count()); i++) {
    const title = titles.nth(i);
    const ours = section.test((await title.innerText()).trim());
    const expanded = (await title.getAttribute('aria-expanded')) === 'true';
    if (ours !== expanded) {
      await title.click();
    }
  }
  await expect(titles.filter({ hasText: section })).toHaveAttribute(
    'aria-expanded',
    'true'
  );
}

/**
 * Call the Classroom API of the logged-in user's own server from the page (cookie + XSRF, as
 * the extension does), e.g. `classroomApi(page, 'admin/users')`.
 */
export async function classroomApi<T = any>(
  page: Page,
  endPoint: string,
  init: { method?: string; body?: unknown } = {}
): Promise<{ status: number; data: T }> {
  return page.evaluate(
    async ({ endPoint, init }) => {
      const config = JSON.parse(
        document.getElementById('jupyter-config-data')?.textContent ?? '{}'
      );
      const base: string = config.baseUrl ?? '/';
      const xsrf = (document.cookie.match(/(?:^|;\s*)_xsrf=([^;]*)/) ?? [])[1];
      const response = await fetch(`${base}classroom/api/${endPoint}`, {
        method: init.method ?? 'GET',
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
        headers: {
          'Content-Type': 'application/json',
          ...(xsrf ? { 'X-XSRFToken': decodeURIComponent(xsrf) } : {})
        },
        credentials: 'same-origin'
      });
      const text = await response.text();
      let data: any = text;
      try {
        data = JSON.parse(text);
      } catch {
        // keep text
      }
      return { status: response.status, data };
    },
    { endPoint, init }
  );
}

/** Parse CSV text (quoted fields, BOM) into rows of fields. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  const src = text.replace(/^\ufeff/, '');
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (quoted) {
      if (c === '"' && src[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c === '"') {
      quoted = true;
    } else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && src[i + 1] === '\n') {
        i++;
      }
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else {
      field += c;
    }
  }
  if (field || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/**
 * Save a notebook into the logged-in user's server root through the contents API (cookie +
 * XSRF, as Lab does) and return the server's base URL (`/user/NAME/`).
 */
export async function saveNotebook(
  page: Page,
  name: string,
  notebook: Record<string, unknown>
): Promise<string> {
  return page.evaluate(
    async ({ name, notebook }) => {
      const config = JSON.parse(
        document.getElementById('jupyter-config-data')?.textContent ?? '{}'
      );
      const xsrf = (document.cookie.match(/(?:^|;\s*)_xsrf=([^;]*)/) ?? [])[1];
      const r = await fetch(`${config.baseUrl}api/contents/${name}`, {
        method: 'PUT',
        headers: {
          'Content-Type': 'application/json',
          ...(xsrf ? { 'X-XSRFToken': decodeURIComponent(xsrf) } : {})
        },
        body: JSON.stringify({
          type: 'notebook',
          format: 'json',
          content: notebook
        })
      });
      if (!r.ok) {
        throw new Error(`saving ${name}: ${r.status}`);
      }
      return config.baseUrl as string;
    },
    { name, notebook }
  );
}

/**
 * The logged-in user's own JupyterLab language (their settings, as Settings → Language does),
 * e.g. `de_DE`, or `en` for Lab's own English. Takes effect at the next page load.
 */
export async function setLabLocale(page: Page, locale: string): Promise<void> {
  const status = await page.evaluate(async locale => {
    const config = JSON.parse(
      document.getElementById('jupyter-config-data')?.textContent ?? '{}'
    );
    const xsrf = (document.cookie.match(/(?:^|;\s*)_xsrf=([^;]*)/) ?? [])[1];
    const r = await fetch(
      `${config.baseUrl}lab/api/settings/@jupyterlab/translation-extension:plugin`,
      {
        method: 'PUT',
        headers: {
          'Content-Type': 'application/json',
          ...(xsrf ? { 'X-XSRFToken': decodeURIComponent(xsrf) } : {})
        },
        body: JSON.stringify({ raw: JSON.stringify({ locale }) })
      }
    );
    return r.status;
  }, locale);
  expect(status).toBeLessThan(300);
}

/** Shut down every kernel of the logged-in user's server (their sessions). */
export async function stopKernels(page: Page): Promise<void> {
  await page.evaluate(async () => {
    const config = JSON.parse(
      document.getElementById('jupyter-config-data')?.textContent ?? '{}'
    );
    const xsrf = (document.cookie.match(/(?:^|;\s*)_xsrf=([^;]*)/) ?? [])[1];
    const headers: Record<string, string> = xsrf
      ? { 'X-XSRFToken': decodeURIComponent(xsrf) }
      : {};
    const sessions = await (
      await fetch(`${config.baseUrl}api/sessions`, { headers })
    ).json();
    for (const s of sessions) {
      await fetch(`${config.baseUrl}api/sessions/${s.id}`, {
        method: 'DELETE',
        headers
      });
    }
  });
}

/** JupyterLab's "get notified about official Jupyter news?" prompt (untranslated in de_DE). */
const NEWS_PROMPT = /official Jupyter news|Jupyter-Neuigkeiten/i;

/**
 * An installed host's school default (issue 11, the installer's `LabDefaultsStep`, applied to
 * the test hub by start_hub.py): JupyterLab's news prompt is off for everyone. Checks the
 * logged-in user's Lab: the setting in force is the installer's `fetchNews: "false"`
 * (overrides.json), no news toast is shown and the notification center holds no news prompt.
 * Call it late in a journey (the prompt, when on, comes right after Lab is restored).
 */
export async function expectNoNewsPrompt(page: Page): Promise<void> {
  await expect(
    page.locator('.jp-toast-message', { hasText: NEWS_PROMPT })
  ).toHaveCount(0);
  const bell = page.locator('.jp-Notification-Status');
  const center = page.locator('.jp-Notification-Center');
  await bell.click();
  await expect(center).toBeVisible();
  await expect(center).not.toContainText(NEWS_PROMPT);
  await bell.click();
  await expect(center).toBeHidden();
  const fetchNews = await page.evaluate(async () => {
    const config = JSON.parse(
      document.getElementById('jupyter-config-data')?.textContent ?? '{}'
    );
    // (JupyterHub wants the XSRF token on a script's GET too)
    const xsrf = (document.cookie.match(/(?:^|;\s*)_xsrf=([^;]*)/) ?? [])[1];
    const r = await fetch(
      `${config.baseUrl}lab/api/settings/@jupyterlab/apputils-extension:notification`,
      { headers: xsrf ? { 'X-XSRFToken': decodeURIComponent(xsrf) } : {} }
    );
    const data = await r.json();
    if (!r.ok) {
      return `HTTP ${r.status}: ${JSON.stringify(data)}`;
    }
    // the user's own choice, else the default in force (the schema's, with overrides.json)
    return (
      data.settings?.fetchNews ?? data.schema?.properties?.fetchNews?.default
    );
  });
  expect(fetchNews).toBe('false');
}

/**
 * An installed host's school default (issue 11, `provision/school_defaults.py`): a student's
 * left side bar has no Extension Manager (its file browser tab is there, so the bar is built).
 */
export async function expectNoExtensionManager(page: Page): Promise<void> {
  const left = page.locator('.jp-SideBar.jp-mod-left');
  await expect(
    left.locator('.lm-TabBar-tab[data-id="filebrowser"]')
  ).toBeVisible();
  await expect(
    left.locator('.lm-TabBar-tab[data-id="extensionmanager.main-view"]')
  ).toHaveCount(0);
}
