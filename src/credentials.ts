import { PageConfig, URLExt } from '@jupyterlab/coreutils';
import { TranslationBundle } from '@jupyterlab/translation';

import * as api from './api';
import { saveFile } from './download';
import { Classroom } from './tokens';

/**
 * One student's credentials as the teacher hands them out, from a job result or a reply
 * (passwords are not stored on the server; the sheet is written by it on request).
 */
export interface ICredentialRow {
  username: string;
  full_name: string | null;
  password: string;
  class_name?: string | null;
}

/** The hub's base path (`/` for a hub at the root), from the page config. */
export function hubBase(): string {
  const hubPrefix = PageConfig.getOption('hubPrefix') || '/hub/';
  const base = hubPrefix.replace(/hub\/?$/, '');
  return base.endsWith('/') ? base : base + '/';
}

/** The absolute URL students log in at. */
export function loginUrl(): string {
  const host = PageConfig.getOption('hubHost') || window.location.origin;
  return host + URLExt.join(hubBase(), 'hub', 'login');
}

/** The URL of a user's JupyterLab (admin access for teachers). */
export function userLabUrl(name: string): string {
  const host = PageConfig.getOption('hubHost') || '';
  return host + URLExt.join(hubBase(), 'user', encodeURIComponent(name), 'lab');
}

/**
 * Whether every user's server has an origin of its own (the hub runs with per-user
 * subdomains, `c.JupyterHub.subdomain_host`). JupyterHub gives each server the hub's host as
 * `hubHost`; with subdomains this Lab is served from `<user>.<that host>`. Anything else
 * (no `hubHost`, the same host, the hub reached under another name) counts as one origin, so
 * the live-server warning is shown whenever in doubt.
 */
export function perUserOrigins(
  hubHost: string = PageConfig.getOption('hubHost'),
  here: string = window.location.hostname
): boolean {
  if (!hubHost) {
    return false;
  }
  let hub: string;
  try {
    hub = new URL(hubHost).hostname;
  } catch {
    return false;
  }
  return hub !== '' && here !== hub && here.endsWith('.' + hub);
}

/**
 * The UI language the credentials sheet follows (set by the plugin from the translator:
 * `de...` gives German words and `;` between fields, as German spreadsheet programs expect).
 */
let sheetLanguage = 'en';

export function setSheetLanguage(languageCode: string): void {
  sheetLanguage = languageCode || 'en';
}

function sheetRequest(
  rows: ICredentialRow[],
  format: 'csv' | 'html'
): Classroom.ICredentialsSheetRequest {
  return {
    rows: rows.map(r => ({
      username: r.username,
      full_name: r.full_name,
      password: r.password,
      class_name: r.class_name ?? null
    })),
    format,
    language: sheetLanguage,
    login_url: loginUrl()
  };
}

/**
 * Offer the credentials as a CSV download, written by the server (the one credentials writer:
 * formula guard, byte order mark, login URL, class; named after the class and the day).
 */
export async function downloadCredentials(
  rows: ICredentialRow[]
): Promise<boolean> {
  const sheet = await api.credentialsSheet(sheetRequest(rows, 'csv'));
  saveFile(
    new Blob([sheet.content], { type: 'text/csv;charset=utf-8' }),
    sheet.filename
  );
  return true;
}

/**
 * Open the printable slips (one per student, written by the server) in a new window.
 * The window opens at once (browsers allow pop-ups only right after a click) and shows the
 * slips when they arrive. Resolves false if the browser blocked the window.
 */
export async function openSlips(
  rows: ICredentialRow[],
  trans: TranslationBundle
): Promise<boolean> {
  const win = window.open('', '_blank');
  if (!win) {
    return false;
  }
  win.document.title = trans.__('Classroom login slips');
  try {
    const sheet = await api.credentialsSheet(sheetRequest(rows, 'html'));
    const blob = new Blob([sheet.content], { type: 'text/html;charset=utf-8' });
    const url = URL.createObjectURL(blob);
    win.location.href = url;
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
    return true;
  } catch (error) {
    win.close();
    throw error;
  }
}
