import { ISignal, Signal } from '@lumino/signaling';

import { requestAPI } from './request';
import { Classroom } from './tokens';

/**
 * How often a running job is polled (ms).
 */
const POLL_INTERVAL = 400;

/**
 * The state of the Classroom sidebar and the only caller of the Classroom API.
 *
 * Components read `students`, `loading`, `error` and `busy`, and re-render on `changed`.
 */
export class ClassroomModel {
  /**
   * Emitted whenever the class list or the loading/busy state changes.
   */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /** The last class list (sorted: teachers first, then by name). */
  get students(): ReadonlyArray<Classroom.IStudent> {
    return this._students;
  }

  /** Whether the class list is being loaded. */
  get loading(): boolean {
    return this._loading;
  }

  /** The message of the last failed refresh, or null. */
  get error(): string | null {
    return this._error;
  }

  /** The names of students with an action in flight. */
  isBusy(name: string): boolean {
    return this._busy.has(name);
  }

  /** The search text of the class list. */
  get query(): string {
    return this._query;
  }
  set query(value: string) {
    if (value !== this._query) {
      this._query = value;
      this._changed.emit();
    }
  }

  /** The class list filtered by the search text (name or full name). */
  get filtered(): Classroom.IStudent[] {
    const q = this._query.trim().toLowerCase();
    if (!q) {
      return [...this._students];
    }
    return this._students.filter(
      s =>
        s.name.toLowerCase().includes(q) ||
        (s.full_name ?? '').toLowerCase().includes(q)
    );
  }

  /** Who is using this lab, and whether it runs under a hub. */
  async whoami(): Promise<Classroom.IWhoAmI> {
    return requestAPI<Classroom.IWhoAmI>('whoami');
  }

  /** Reload the class list. Errors are kept in `error`, not thrown. */
  async refresh(): Promise<void> {
    this._loading = true;
    this._changed.emit();
    try {
      const reply = await requestAPI<Classroom.IUserList>('admin/users');
      this._students = [...reply.users].sort((a, b) =>
        a.teacher === b.teacher
          ? a.name.localeCompare(b.name)
          : a.teacher
            ? -1
            : 1
      );
      this._error = null;
    } catch (error) {
      this._error = (error as Error).message;
    } finally {
      this._loading = false;
      this._changed.emit();
    }
  }

  /** Add one student; the reply holds the password (shown once). */
  async addStudent(options: {
    name: string;
    full_name?: string;
    password?: string;
  }): Promise<Classroom.ICredentials> {
    const body: { [key: string]: string } = { name: options.name };
    if (options.full_name) {
      body.full_name = options.full_name;
    }
    if (options.password) {
      body.password = options.password;
    }
    const reply = await this._post<Classroom.ICredentialsReply>(
      'admin/users',
      body
    );
    void this.refresh();
    return reply.credentials;
  }

  /** Set a new generated password; the reply holds it (shown once). */
  async resetPassword(name: string): Promise<Classroom.ICredentials> {
    const reply = await this._act(name, () =>
      this._post<Classroom.ICredentialsReply>(
        `admin/users/${encodeURIComponent(name)}/password`,
        {}
      )
    );
    return reply.credentials;
  }

  /** Lock or unlock a student's login (locking also stops the server). */
  async setEnabled(name: string, enabled: boolean): Promise<Classroom.IChange> {
    const verb = enabled ? 'enable' : 'disable';
    return this._act(name, () =>
      this._post<Classroom.IChange>(
        `admin/users/${encodeURIComponent(name)}/${verb}`,
        {}
      )
    );
  }

  /** Remove a student: the home is archived first; optionally keep the system account. */
  async remove(name: string, keepAccount: boolean): Promise<Classroom.IChange> {
    const query = keepAccount ? '?keep_account=true' : '';
    return this._act(name, () =>
      requestAPI<Classroom.IChange>(
        `admin/users/${encodeURIComponent(name)}${query}`,
        { method: 'DELETE' }
      )
    );
  }

  /** Start or stop a student's server. */
  async setServer(name: string, running: boolean): Promise<Classroom.IChange> {
    const path = `admin/users/${encodeURIComponent(name)}/server`;
    const change = await this._act(name, () =>
      running
        ? this._post<Classroom.IChange>(path, {})
        : requestAPI<Classroom.IChange>(path, { method: 'DELETE' })
    );
    // A server may still be starting or stopping: look again shortly.
    setTimeout(() => void this.refresh(), 3000);
    return change;
  }

  /** Make a user a teacher (hub admin) or take it back. */
  async setTeacher(name: string, teacher: boolean): Promise<Classroom.IChange> {
    return this._act(name, () =>
      requestAPI<Classroom.IChange>(
        `admin/users/${encodeURIComponent(name)}/teacher`,
        { method: 'PUT', body: JSON.stringify({ teacher }) }
      )
    );
  }

  /** The notebooks in a student's ~/notebooks (read by the service as root, no symlinks). */
  async listNotebooks(name: string): Promise<Classroom.INotebookListing> {
    return requestAPI<Classroom.INotebookListing>(
      `admin/users/${encodeURIComponent(name)}/notebooks`
    );
  }

  /** One notebook of a student (path relative to ~/notebooks), every cell untrusted. */
  async fetchNotebook(
    name: string,
    path: string
  ): Promise<Classroom.INotebookCopy> {
    return requestAPI<Classroom.INotebookCopy>(
      `admin/users/${encodeURIComponent(name)}/notebooks/content?path=${encodeURIComponent(path)}`
    );
  }

  /** Step one of a roster import: what would happen to each row. Changes nothing. */
  async previewRoster(csv: string): Promise<Classroom.IPreview> {
    return this._post<Classroom.IPreview>('admin/roster/preview', { csv });
  }

  /**
   * Step two: create the accounts in a job and follow its progress.
   *
   * Resolves with the per-row results (with the passwords, shown once).
   */
  async applyRoster(
    rows: Classroom.IApplyRow[],
    onProgress: (message: string, fraction: number | null) => void
  ): Promise<Classroom.IApplyResult> {
    const { job } = await this._post<{ job: string }>('admin/roster/apply', {
      rows
    });
    try {
      const state = await this.waitForJob<
        Classroom.IApplyResult | Classroom.IApplyResultRow[]
      >(job, onProgress);
      if (state.state === 'failed' || !state.result) {
        throw new Error(state.error || 'The import failed.');
      }
      // Accept the bare list too (the per-row results are what matters).
      return Array.isArray(state.result)
        ? { results: state.result }
        : state.result;
    } finally {
      void this.refresh();
    }
  }

  /** Poll a job until it is no longer running, reporting its latest progress. */
  async waitForJob<T>(
    id: string,
    onProgress: (message: string, fraction: number | null) => void
  ): Promise<Classroom.IJob<T>> {
    for (;;) {
      const state = await requestAPI<Classroom.IJob<T>>(
        `admin/jobs/${encodeURIComponent(id)}`
      );
      const last = state.progress[state.progress.length - 1];
      if (last) {
        onProgress(last.message, last.fraction);
      }
      if (state.state !== 'running') {
        return state;
      }
      await new Promise(resolve => setTimeout(resolve, POLL_INTERVAL));
    }
  }

  private async _act<T>(name: string, fn: () => Promise<T>): Promise<T> {
    this._busy.add(name);
    this._changed.emit();
    try {
      return await fn();
    } finally {
      this._busy.delete(name);
      void this.refresh();
    }
  }

  private _post<T>(path: string, body: unknown): Promise<T> {
    return requestAPI<T>(path, { method: 'POST', body: JSON.stringify(body) });
  }

  private _students: Classroom.IStudent[] = [];
  private _loading = false;
  private _error: string | null = null;
  private _query = '';
  private _busy = new Set<string>();
  private _changed = new Signal<this, void>(this);
}
