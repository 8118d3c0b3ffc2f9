import { PageConfig, URLExt } from '@jupyterlab/coreutils';
import { TranslationBundle } from '@jupyterlab/translation';

/**
 * One student's credentials as the teacher hands them out. Built in the browser from a job
 * result or a reply: passwords are never stored on the server.
 */
export interface ICredentialRow {
  username: string;
  full_name: string | null;
  password: string;
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

function csvField(value: string): string {
  // Quote every field; a leading =,+,-,@ would be a formula in a spreadsheet.
  let text = value;
  if (/^[=+\-@]/.test(text)) {
    text = "'" + text;
  }
  return '"' + text.replace(/"/g, '""') + '"';
}

/** The credentials as CSV (UTF-8 with BOM so spreadsheet programs read umlauts). */
export function credentialsCsv(rows: ICredentialRow[]): string {
  const lines = [['username', 'full name', 'password', 'login URL']];
  const url = loginUrl();
  for (const row of rows) {
    lines.push([row.username, row.full_name ?? '', row.password, url]);
  }
  return '\ufeff' + lines.map(l => l.map(csvField).join(',')).join('\r\n');
}

/** Offer the credentials CSV as a download. */
export function downloadCredentials(
  rows: ICredentialRow[],
  filename = 'classroom-credentials.csv'
): void {
  const blob = new Blob([credentialsCsv(rows)], {
    type: 'text/csv;charset=utf-8'
  });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** A printable HTML page with one slip per student. */
export function slipsHtml(
  rows: ICredentialRow[],
  trans: TranslationBundle
): string {
  const url = escapeHtml(loginUrl());
  const slips = rows
    .map(
      row => `<section class="slip">
  <h2>${escapeHtml(row.full_name || row.username)}</h2>
  <dl>
    <dt>${escapeHtml(trans.__('Address'))}</dt><dd>${url}</dd>
    <dt>${escapeHtml(trans.__('Username'))}</dt><dd class="mono">${escapeHtml(row.username)}</dd>
    <dt>${escapeHtml(trans.__('Password'))}</dt><dd class="mono">${escapeHtml(row.password)}</dd>
  </dl>
</section>`
    )
    .join('\n');
  return `<!DOCTYPE html>
<html><head><meta charset="utf-8">
<title>${escapeHtml(trans.__('Classroom login slips'))}</title>
<style>
body { font-family: sans-serif; margin: 1cm; }
.slip { border: 1px dashed #666; padding: 0.4cm 0.6cm; margin-bottom: 0.5cm; page-break-inside: avoid; }
.slip h2 { font-size: 14pt; margin: 0 0 0.2cm 0; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.1cm 0.5cm; margin: 0; }
dt { font-weight: bold; }
dd { margin: 0; }
.mono { font-family: monospace; font-size: 13pt; letter-spacing: 0.05em; }
@media print { .noprint { display: none; } body { margin: 0; } }
</style></head>
<body>
<p class="noprint"><button onclick="window.print()">${escapeHtml(trans.__('Print'))}</button></p>
${slips}
</body></html>`;
}

/** Open the printable slips in a new window. Returns false if the browser blocked it. */
export function openSlips(
  rows: ICredentialRow[],
  trans: TranslationBundle
): boolean {
  const blob = new Blob([slipsHtml(rows, trans)], {
    type: 'text/html;charset=utf-8'
  });
  const url = URL.createObjectURL(blob);
  const win = window.open(url, '_blank');
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  return win !== null;
}
