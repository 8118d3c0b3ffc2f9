import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

import { Classroom } from './tokens';

/**
 * The Classroom API: every call of the front end to its server goes through this module
 * (`/classroom/api/<endPoint>` on the user's own Jupyter server; `admin/...` is forwarded to
 * the classroom service's `/api/v1/...`). The browser never talks to the hub or the service
 * directly.
 */

/** The extension's route namespace on its own Jupyter server. */
export const NAMESPACE = 'classroom';

/** How often a running job is polled (ms). */
export const JOB_POLL_INTERVAL = 400;

/**
 * The text of anything thrown or answered as an error: a string, an Error, a `{message,
 * code}` object (server replies, failed jobs), a `{reason}` object (tornado). Never
 * "[object Object]".
 */
export function readableMessage(value: unknown, fallback = 'failed'): string {
  if (value === null || value === undefined || value === '') {
    return fallback;
  }
  if (typeof value === 'string') {
    return value;
  }
  if (value instanceof Error) {
    return value.message || fallback;
  }
  if (typeof value === 'object') {
    const v = value as { [key: string]: unknown };
    for (const key of ['message', 'reason', 'error']) {
      if (v[key] !== undefined && v[key] !== null && v[key] !== '') {
        return readableMessage(v[key], fallback);
      }
    }
    try {
      return JSON.stringify(value);
    } catch {
      return fallback;
    }
  }
  return String(value);
}

/**
 * The one error type of the Classroom API: a refused request or a failed job. `message` is
 * the server's message (which says what to do), always readable text.
 */
export class ClassroomAPIError extends Error {
  constructor(
    message: unknown,
    readonly status: number,
    readonly code: string = 'error',
    readonly detail: any = undefined
  ) {
    super(readableMessage(message));
    this.name = 'ClassroomAPIError';
  }

  /** The error of a failed job (`{message, code}`; older services: a string). */
  static fromJob(job: Classroom.IJob): ClassroomAPIError {
    const error: unknown = job.error;
    const code =
      error && typeof error === 'object' && 'code' in error
        ? String((error as { code: unknown }).code)
        : 'failed';
    return new ClassroomAPIError(
      readableMessage(error, 'The job failed.'),
      500,
      code,
      job
    );
  }
}

/** The message to show for anything caught (a ClassroomAPIError, an Error, a string, ...). */
export function errorMessage(error: unknown): string {
  return readableMessage(error);
}

/**
 * Call `/classroom/api/<endPoint>` on this server (token and XSRF handled by
 * ServerConnection). Rejects with a ClassroomAPIError when the server refuses.
 */
async function requestAPI<T>(
  endPoint = '',
  init: RequestInit = {}
): Promise<T> {
  const settings = ServerConnection.makeSettings();
  const requestUrl = URLExt.join(settings.baseUrl, NAMESPACE, 'api', endPoint);
  let response: Response;
  try {
    response = await ServerConnection.makeRequest(requestUrl, init, settings);
  } catch (error) {
    throw new ServerConnection.NetworkError(error as any);
  }
  const text = await response.text();
  let data: any = text;
  if (text.length > 0) {
    try {
      data = JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
  }
  if (!response.ok) {
    const fallback = response.statusText || `HTTP ${response.status}`;
    const reason =
      data && typeof data === 'object'
        ? (data.message ?? data.reason ?? data.error)
        : null;
    throw new ClassroomAPIError(
      readableMessage(reason, fallback),
      response.status,
      typeof data?.code === 'string' ? data.code : 'error',
      data
    );
  }
  return data as T;
}

function get<T>(endPoint: string): Promise<T> {
  return requestAPI<T>(endPoint);
}

function send<T>(endPoint: string, method: string, body?: unknown): Promise<T> {
  return requestAPI<T>(endPoint, {
    method,
    body: body === undefined ? undefined : JSON.stringify(body),
    headers: { 'Content-Type': 'application/json' }
  });
}

function enc(part: string): string {
  return encodeURIComponent(part);
}

// ---------------------------------------------------------------- jobs

/** The state of a job. */
export function getJob<T>(id: string): Promise<Classroom.IJob<T>> {
  return get<Classroom.IJob<T>>(`admin/jobs/${enc(id)}`);
}

/**
 * Poll a job until it ends, reporting its latest progress. Resolves with its result;
 * rejects with a ClassroomAPIError carrying the job's message when it failed.
 */
export async function pollJob<T>(
  id: string,
  onProgress?: Classroom.ProgressCallback,
  interval = JOB_POLL_INTERVAL
): Promise<T> {
  for (;;) {
    const state = await getJob<T>(id);
    const last = state.progress[state.progress.length - 1];
    if (last && onProgress) {
      onProgress(last.message, last.fraction);
    }
    if (state.state === 'failed') {
      throw ClassroomAPIError.fromJob(state);
    }
    if (state.state !== 'running') {
      return state.result as T;
    }
    await new Promise(resolve => setTimeout(resolve, interval));
  }
}

/** POST to a route that starts a job, then follow the job to its end (see pollJob). */
async function runJob<T>(
  endPoint: string,
  body: unknown,
  onProgress?: Classroom.ProgressCallback
): Promise<T> {
  const { job } = await send<Classroom.IJobStarted>(endPoint, 'POST', body);
  return pollJob<T>(job, onProgress);
}

// ---------------------------------------------------------------- who

/** Who is using this lab, and whether it runs under a hub. */
export function whoami(): Promise<Classroom.IWhoAmI> {
  return get<Classroom.IWhoAmI>('whoami');
}

// ---------------------------------------------------------------- students

export async function listStudents(): Promise<Classroom.IStudent[]> {
  return (await get<Classroom.IUserList>('admin/users')).users;
}

/** Add one student; the reply holds the password (shown once). */
export async function addStudent(
  student: Classroom.INewStudent
): Promise<Classroom.ICredentials> {
  const body: Classroom.INewStudent = { name: student.name };
  if (student.full_name) {
    body.full_name = student.full_name;
  }
  if (student.password) {
    body.password = student.password;
  }
  const reply = await send<Classroom.ICredentialsReply>(
    'admin/users',
    'POST',
    body
  );
  return reply.credentials;
}

/** Set a new generated password; the reply holds it (shown once). */
export async function resetPassword(
  name: string
): Promise<Classroom.ICredentials> {
  const reply = await send<Classroom.ICredentialsReply>(
    `admin/users/${enc(name)}/password`,
    'POST',
    {}
  );
  return reply.credentials;
}

/** New generated passwords for a selection of students: one call, one sheet. */
export function newPasswords(
  names: string[]
): Promise<Classroom.INewPasswordsReply> {
  return send<Classroom.INewPasswordsReply>('admin/credentials/new', 'POST', {
    names
  });
}

/** Whether the service keeps a sheet of this teacher, and until when (no passwords). */
export async function keptSheet(): Promise<Classroom.IKeptSheetSummary | null> {
  const reply = await get<{ kept: Classroom.IKeptSheetSummary | null }>(
    'admin/credentials/last?format=summary'
  );
  return reply.kept;
}

/** The teacher's last sheet (import or new passwords) while the service keeps it. */
export function lastSheet(): Promise<Classroom.IKeptSheet> {
  return get<Classroom.IKeptSheet>('admin/credentials/last');
}

/** The teacher saved the sheet: the service shreds its copy now. */
export function discardSheet(): Promise<{ discarded: boolean }> {
  return send<{ discarded: boolean }>('admin/credentials/last', 'DELETE');
}

/** Lock or unlock a student's login (locking also stops the server). */
export function setStudentEnabled(
  name: string,
  enabled: boolean
): Promise<Classroom.IChange> {
  const verb = enabled ? 'enable' : 'disable';
  return send<Classroom.IChange>(
    `admin/users/${enc(name)}/${verb}`,
    'POST',
    {}
  );
}

/** Remove a student: the home is archived first; optionally keep the system account. */
export function removeStudent(
  name: string,
  keepAccount: boolean
): Promise<Classroom.IChange> {
  const query = keepAccount ? '?keep_account=true' : '';
  return send<Classroom.IChange>(`admin/users/${enc(name)}${query}`, 'DELETE');
}

/** Start or stop a student's server. */
export function setServer(
  name: string,
  running: boolean
): Promise<Classroom.IChange> {
  const path = `admin/users/${enc(name)}/server`;
  return running
    ? send<Classroom.IChange>(path, 'POST', {})
    : send<Classroom.IChange>(path, 'DELETE');
}

/** Make a user a teacher (hub admin) or take it back. */
export function setTeacher(
  name: string,
  teacher: boolean
): Promise<Classroom.IChange> {
  return send<Classroom.IChange>(`admin/users/${enc(name)}/teacher`, 'PUT', {
    teacher
  });
}

/** The notebooks in a student's ~/notebooks (read by the service as root, no symlinks). */
export function listNotebooks(
  name: string
): Promise<Classroom.INotebookListing> {
  return get<Classroom.INotebookListing>(`admin/users/${enc(name)}/notebooks`);
}

/** One notebook of a student (path relative to ~/notebooks), every cell untrusted. */
export function fetchNotebook(
  name: string,
  path: string
): Promise<Classroom.INotebookCopy> {
  return get<Classroom.INotebookCopy>(
    `admin/users/${enc(name)}/notebooks/content?path=${enc(path)}`
  );
}

/**
 * Step one of a roster import: upload the file's bytes as they are (the server detects the
 * encoding and the delimiter, and keeps the rows for this teacher). Answers how the file was
 * read and the preview, or a column-mapping request when the header was not recognised.
 */
export function uploadRoster(
  file: Blob,
  filename: string
): Promise<Classroom.IRosterUpload> {
  return requestAPI<Classroom.IRosterUpload>(
    `admin/roster/uploads?filename=${enc(filename)}`,
    { method: 'POST', body: file, headers: { 'Content-Type': 'text/csv' } }
  );
}

/** Preview an upload again: with a column mapping and/or the teacher's usernames. */
export function previewUpload(
  upload: string,
  request: Classroom.IRosterPreviewRequest
): Promise<Classroom.IRosterUpload> {
  return send<Classroom.IRosterUpload>(
    `admin/roster/uploads/${enc(upload)}/preview`,
    'POST',
    request
  );
}

/**
 * Step two: create the accepted rows of an upload in a job and follow its progress.
 * Resolves with the job's id and its per-row results (with the passwords, shown once).
 */
export async function applyUpload(
  upload: string,
  request: Classroom.IRosterApplyRequest,
  onProgress?: Classroom.ProgressCallback
): Promise<Classroom.IImportDone> {
  const { job } = await send<Classroom.IJobStarted>(
    `admin/roster/uploads/${enc(upload)}/apply`,
    'POST',
    request
  );
  const result = await pollJob<Classroom.IApplyResult | null>(job, onProgress);
  if (!result) {
    throw new ClassroomAPIError('The import failed.', 500, 'failed');
  }
  return { job, result };
}

/**
 * The re-import of an upload as a sync (nothing changes): per student new, unchanged, moved
 * or no longer listed, from the rows the server parsed for that upload.
 */
export function syncPreview(upload: string): Promise<Classroom.ISyncPlan> {
  return send<Classroom.ISyncPlan>('admin/class-sync/preview', 'POST', {
    upload
  });
}

/**
 * Apply the sync of an upload in a job (homes of the removed students archived first) and
 * follow its progress. Resolves with the job's id and its result (new passwords, shown once).
 */
export async function applySync(
  request: Classroom.ISyncApplyRequest,
  onProgress?: Classroom.ProgressCallback
): Promise<Classroom.ISyncDone> {
  const { job } = await send<Classroom.IJobStarted>(
    'admin/class-sync/apply',
    'POST',
    request
  );
  const result = await pollJob<Classroom.ISyncResult | null>(job, onProgress);
  if (!result) {
    throw new ClassroomAPIError('The sync failed.', 500, 'failed');
  }
  return { job, result };
}

/** A credentials sheet (CSV or printable slips) of the given rows, written by the server. */
export function credentialsSheet(
  request: Classroom.ICredentialsSheetRequest
): Promise<Classroom.ICredentialsSheet> {
  return send<Classroom.ICredentialsSheet>(
    'admin/roster/credentials',
    'POST',
    request
  );
}

// ---------------------------------------------------------------- jars

export function listJars(): Promise<Classroom.IJarList> {
  return get<Classroom.IJarList>('admin/jars');
}

/** Download a jar (optionally with its runtime dependencies) from a Maven repository. */
export function addMavenJar(
  request: Classroom.IMavenRequest,
  onProgress?: Classroom.ProgressCallback
): Promise<Classroom.IChanges> {
  return runJob<Classroom.IChanges>('admin/jars/maven', request, onProgress);
}

/** Upload a .jar file. */
export async function uploadJar(file: File): Promise<Classroom.IChange> {
  const body: Classroom.IJarUpload = {
    filename: file.name,
    data_base64: toBase64(await file.arrayBuffer())
  };
  return send<Classroom.IChange>('admin/jars/upload', 'POST', body);
}

/** Move a jar to the trash. */
export function removeJar(file: string): Promise<Classroom.IChange> {
  return send<Classroom.IChange>(`admin/jars/${enc(file)}`, 'DELETE');
}

/** Bring a jar back from the trash. */
export function restoreJar(file: string): Promise<Classroom.IChange> {
  return send<Classroom.IChange>(`admin/jars/${enc(file)}/restore`, 'POST');
}

// ---------------------------------------------------------------- Python libraries

export function listPyLibs(): Promise<Classroom.IPyLibList> {
  return get<Classroom.IPyLibList>('admin/pylibs');
}

/** pip install NAME or NAME==VERSION into the shared folder. */
export function installPyLib(
  requirement: string,
  onProgress?: Classroom.ProgressCallback
): Promise<Classroom.IChange> {
  return runJob<Classroom.IChange>('admin/pylibs', { requirement }, onProgress);
}

export function removePyLib(name: string): Promise<Classroom.IChange> {
  return send<Classroom.IChange>(`admin/pylibs/${enc(name)}`, 'DELETE');
}

/** Bring a removed Python package back from the trash. */
export function restorePyLib(name: string): Promise<Classroom.IChange> {
  return send<Classroom.IChange>(`admin/pylibs/${enc(name)}/restore`, 'POST');
}

// ---------------------------------------------------------------- kernels

export async function listKernels(): Promise<Classroom.IKernel[]> {
  return (await listKernelsAndTrash()).kernels;
}

/** The kernels and the removed kernelspecs that can be restored. */
export function listKernelsAndTrash(): Promise<Classroom.IKernelList> {
  return get<Classroom.IKernelList>('admin/kernels');
}

/** Start a kernel, run its smoke cell, report time-to-ready and output. */
export function testKernel(
  name: string,
  onProgress?: Classroom.ProgressCallback
): Promise<Classroom.IKernelTest> {
  return runJob<Classroom.IKernelTest>(
    `admin/kernels/${enc(name)}/test`,
    {},
    onProgress
  );
}

export function testAllKernels(
  onProgress?: Classroom.ProgressCallback
): Promise<Classroom.IKernelTests> {
  return runJob<Classroom.IKernelTests>('admin/kernels/test', {}, onProgress);
}

export function installKernel(
  kind: Classroom.KernelKind,
  onProgress?: Classroom.ProgressCallback
): Promise<Classroom.IChange> {
  return runJob<Classroom.IChange>(
    `admin/kernels/${kind}/install`,
    {},
    onProgress
  );
}

export function removeKernel(name: string): Promise<Classroom.IChange> {
  return send<Classroom.IChange>(`admin/kernels/${enc(name)}`, 'DELETE');
}

/** Bring a removed kernelspec back from the trash. */
export function restoreKernel(name: string): Promise<Classroom.IChange> {
  return send<Classroom.IChange>(`admin/kernels/${enc(name)}/restore`, 'POST');
}

export function setKernelEnv(
  name: string,
  env: { [key: string]: string }
): Promise<Classroom.IChange> {
  return send<Classroom.IChange>(`admin/kernels/${enc(name)}/env`, 'PUT', {
    env
  });
}

// ---------------------------------------------------------------- MQTT broker, snippets, templates

/** The class broker as the teacher last set it (read fresh by the user's own server). */
export async function classBroker(): Promise<Classroom.IClassBroker> {
  return (await get<Classroom.IBrokerReply>('broker')).settings;
}

/** The class broker, for the teacher's form. */
export async function getBroker(): Promise<Classroom.IClassBroker> {
  return (await get<Classroom.IBrokerReply>('admin/broker')).settings;
}

export function putBroker(
  settings: Classroom.IClassBroker
): Promise<Classroom.IBrokerSaved> {
  return send<Classroom.IBrokerSaved>('admin/broker', 'PUT', settings);
}

export function testBroker(
  settings: Classroom.IClassBroker
): Promise<Classroom.IBrokerTest> {
  return send<Classroom.IBrokerTest>('admin/broker/test', 'POST', settings);
}

export async function listSnippets(): Promise<Classroom.ISnippet[]> {
  return (await get<{ snippets: Classroom.ISnippet[] }>('snippets')).snippets;
}

/** `?locale=...` for the templates: the server answers a template's version in the UI
 * language where it has one (German), else the template itself. */
function localeQuery(locale?: string): string {
  return locale ? `?locale=${enc(locale)}` : '';
}

/** The notebook templates, titled in `locale` (the UI language) where translated. */
export async function listTemplates(
  locale?: string
): Promise<Classroom.ITemplate[]> {
  return (
    await get<{ templates: Classroom.ITemplate[] }>(
      `templates${localeQuery(locale)}`
    )
  ).templates;
}

/** One template's notebook, in `locale` (the UI language) where translated. */
export function getTemplate(
  name: string,
  locale?: string
): Promise<Classroom.ITemplateContent> {
  return get<Classroom.ITemplateContent>(
    `templates/${enc(name)}${localeQuery(locale)}`
  );
}

export function addSnippet(
  snippet: Classroom.INewSnippet
): Promise<Classroom.ISaved> {
  return send<Classroom.ISaved>('admin/snippets', 'POST', snippet);
}

export function addTemplate(
  template: Classroom.INewTemplate
): Promise<Classroom.ISaved> {
  return send<Classroom.ISaved>('admin/templates', 'POST', template);
}

// ---------------------------------------------------------------- idle timeouts

export function getSchoolDefaults(): Promise<Classroom.ISchoolDefaults> {
  return get<Classroom.ISchoolDefaults>('admin/school');
}

export function putSchoolDefaults(
  values: Partial<Classroom.ISchoolDefaults>
): Promise<Classroom.ISchoolDefaults & { changed: boolean }> {
  return send<Classroom.ISchoolDefaults & { changed: boolean }>(
    'admin/school',
    'PUT',
    values
  );
}

export function getIdleTimeouts(): Promise<Classroom.IIdleTimeouts> {
  return get<Classroom.IIdleTimeouts>('admin/culling');
}

export function putIdleTimeouts(
  timeouts: Classroom.IIdleTimeouts
): Promise<Classroom.IIdleTimeoutsSaved> {
  return send<Classroom.IIdleTimeoutsSaved>('admin/culling', 'PUT', timeouts);
}

export function getCapacity(): Promise<Classroom.ICapacity> {
  return get<Classroom.ICapacity>('admin/capacity');
}

// ---------------------------------------------------------------- helpers

/** An ArrayBuffer as base64 (in chunks: String.fromCharCode has an argument limit). */
export function toBase64(buffer: ArrayBuffer): string {
  const bytes = new Uint8Array(buffer);
  let binary = '';
  const chunk = 0x8000;
  for (let i = 0; i < bytes.length; i += chunk) {
    binary += String.fromCharCode(...bytes.subarray(i, i + chunk));
  }
  return btoa(binary);
}

// ---------------------------------------------------------------- lesson (issue 13)

/** The class live: online, servers, kernels, memory, last error per student. */
export function getClassLive(
  className: string | null,
  fresh = false
): Promise<Classroom.IClassLive> {
  const query = new URLSearchParams();
  if (className) {
    query.set('class', className);
  }
  if (fresh) {
    query.set('fresh', 'true');
  }
  const q = query.toString();
  return get<Classroom.IClassLive>(`admin/live${q ? `?${q}` : ''}`);
}

/** The handed-out assignments. */
export async function listAssignments(): Promise<Classroom.IAssignment[]> {
  return (await get<{ assignments: Classroom.IAssignment[] }>('admin/handouts'))
    .assignments;
}

/** Hand out a notebook, folder or template (a job; never overwrites a student's file). */
export function handOut(
  request: Classroom.IHandoutRequest,
  onProgress?: Classroom.ProgressCallback
): Promise<Classroom.IHandoutResult> {
  return runJob<Classroom.IHandoutResult>(
    'admin/handouts',
    request,
    onProgress
  );
}

/** Collect an assignment from a class into ~/notebooks/collected/ (a job). */
export function collect(
  assignment: string,
  className: string,
  onProgress?: Classroom.ProgressCallback
): Promise<Classroom.ICollectResult> {
  return runJob<Classroom.ICollectResult>(
    `admin/handouts/${enc(assignment)}/collect`,
    { class: className },
    onProgress
  );
}
// ---------------------------------------------------------------- classes

/** Every class with its members. */
export async function listClasses(): Promise<Classroom.IClassInfo[]> {
  return (await get<Classroom.IClassList>('admin/classes')).classes;
}

/** Create a class (hub group + unix group); safe to repeat. */
export function createClass(name: string): Promise<Classroom.IClassChange> {
  return send<Classroom.IClassChange>('admin/classes', 'POST', { name });
}

/** Put students into a class (their other classes stay). */
export function addToClass(
  name: string,
  users: string[]
): Promise<Classroom.IClassChange> {
  return send<Classroom.IClassChange>(
    `admin/classes/${enc(name)}/members`,
    'POST',
    { users }
  );
}

/** Move students from class `name` to class `to` (their other classes stay). */
export function moveToClass(
  name: string,
  users: string[],
  to: string
): Promise<Classroom.IClassChange> {
  return send<Classroom.IClassChange>(
    `admin/classes/${enc(name)}/move`,
    'POST',
    { users, to }
  );
}

/** Disable/enable every student's login, or start/stop every server, as a job. */
export function classAction(
  name: string,
  action: Classroom.ClassAction,
  onProgress?: Classroom.ProgressCallback
): Promise<Classroom.IClassResult> {
  const base = `admin/classes/${enc(name)}`;
  if (action === 'stop') {
    return send<Classroom.IJobStarted>(`${base}/servers`, 'DELETE').then(
      ({ job }) => pollJob<Classroom.IClassResult>(job, onProgress)
    );
  }
  const path = action === 'start' ? `${base}/servers` : `${base}/${action}`;
  return runJob<Classroom.IClassResult>(path, {}, onProgress);
}

/** New passwords for every student of a class; the result holds the sheet (shown once). */
export function classPasswords(
  name: string,
  lang: 'en' | 'de',
  qr: boolean,
  onProgress?: Classroom.ProgressCallback
): Promise<Classroom.IClassResult> {
  return runJob<Classroom.IClassResult>(
    `admin/classes/${enc(name)}/passwords`,
    { lang, qr },
    onProgress
  );
}

/** Remove a class: students in no other class are removed (homes archived first). */
export async function removeClass(
  name: string,
  onProgress?: Classroom.ProgressCallback
): Promise<Classroom.IClassResult> {
  const { job } = await send<Classroom.IJobStarted>(
    `admin/classes/${enc(name)}`,
    'DELETE'
  );
  return pollJob<Classroom.IClassResult>(job, onProgress);
}

/** Rename (promote) a class, e.g. 10a to 11a: members are kept. */
export function renameClass(
  name: string,
  to: string
): Promise<Classroom.IClassChange> {
  return send<Classroom.IClassChange>(
    `admin/classes/${enc(name)}/rename`,
    'POST',
    { to }
  );
}

/** Pack everything of a class (homes, list without passwords) into one archive (a job). */
export function exportClass(
  name: string,
  onProgress?: Classroom.ProgressCallback
): Promise<Classroom.IClassExport> {
  return runJob<Classroom.IClassExport>(
    `admin/classes/${enc(name)}/export`,
    {},
    onProgress
  );
}

/** The bytes of a class export (see exportClass), for the teacher to save. */
export async function downloadClassExport(filename: string): Promise<Blob> {
  const settings = ServerConnection.makeSettings();
  const url = URLExt.join(
    settings.baseUrl,
    NAMESPACE,
    'api',
    `admin/class-exports/${enc(filename)}`
  );
  let response: Response;
  try {
    response = await ServerConnection.makeRequest(url, {}, settings);
  } catch (error) {
    throw new ServerConnection.NetworkError(error as any);
  }
  if (!response.ok) {
    let data: any = null;
    try {
      data = await response.json();
    } catch {
      // not JSON
    }
    throw new ClassroomAPIError(
      readableMessage(
        data?.message,
        response.statusText || `HTTP ${response.status}`
      ),
      response.status,
      typeof data?.code === 'string' ? data.code : 'error',
      data
    );
  }
  return response.blob();
}
