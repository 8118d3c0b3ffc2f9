import { ISignal, Signal } from '@lumino/signaling';

import * as api from '../api';
import { Classroom } from '../tokens';

/**
 * The students area: the class list, its search text, loading/error state and the students
 * with an action in flight.
 *
 * Components read `students`, `loading`, `error` and `busy`, and re-render on `changed`.
 */
export class StudentsModel {
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

  /** Reload the class list. Errors are kept in `error`, not thrown. */
  async refresh(): Promise<void> {
    this._loading = true;
    this._changed.emit();
    try {
      const users = await api.listStudents();
      this._students = [...users].sort((a, b) =>
        a.teacher === b.teacher
          ? a.name.localeCompare(b.name)
          : a.teacher
            ? -1
            : 1
      );
      this._error = null;
    } catch (error) {
      this._error = api.errorMessage(error);
    } finally {
      this._loading = false;
      this._changed.emit();
    }
  }

  /** Add one student; the reply holds the password (shown once). */
  async addStudent(
    student: Classroom.INewStudent
  ): Promise<Classroom.ICredentials> {
    const credentials = await api.addStudent(student);
    void this.refresh();
    return credentials;
  }

  /** Set a new generated password; the reply holds it (shown once). */
  resetPassword(name: string): Promise<Classroom.ICredentials> {
    return this._act(name, () => api.resetPassword(name));
  }

  /** Lock or unlock a student's login (locking also stops the server). */
  setEnabled(name: string, enabled: boolean): Promise<Classroom.IChange> {
    return this._act(name, () => api.setStudentEnabled(name, enabled));
  }

  /** Remove a student: the home is archived first; optionally keep the system account. */
  remove(name: string, keepAccount: boolean): Promise<Classroom.IChange> {
    return this._act(name, () => api.removeStudent(name, keepAccount));
  }

  /** Start or stop a student's server. */
  async setServer(name: string, running: boolean): Promise<Classroom.IChange> {
    const change = await this._act(name, () => api.setServer(name, running));
    // A server may still be starting or stopping: look again shortly.
    setTimeout(() => void this.refresh(), 3000);
    return change;
  }

  /** Make a user a teacher (hub admin) or take it back. */
  setTeacher(name: string, teacher: boolean): Promise<Classroom.IChange> {
    return this._act(name, () => api.setTeacher(name, teacher));
  }

  /** The notebooks in a student's ~/notebooks (read by the service as root, no symlinks). */
  listNotebooks(name: string): Promise<Classroom.INotebookListing> {
    return api.listNotebooks(name);
  }

  /** One notebook of a student (path relative to ~/notebooks), every cell untrusted. */
  fetchNotebook(name: string, path: string): Promise<Classroom.INotebookCopy> {
    return api.fetchNotebook(name, path);
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

  private _students: Classroom.IStudent[] = [];
  private _loading = false;
  private _error: string | null = null;
  private _query = '';
  private _busy = new Set<string>();
  private _changed = new Signal<this, void>(this);
}
