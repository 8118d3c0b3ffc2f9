import { ISignal, Signal } from '@lumino/signaling';

import * as api from '../api';
import { Classroom } from '../tokens';

/** The filter value that shows every student. */
export const ALL_CLASSES = '';

/**
 * The classes area of the Students section: the list of classes, the class the student list
 * is filtered by, and the actions over a whole class.
 *
 * A class is a hub group (plus a unix group) of the same name; a student's classes come with
 * the class list (`IStudent.classes`).
 */
export class ClassesModel {
  /** Emitted whenever the classes, the selection or the busy state change. */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /** Every class, sorted by name. */
  get classes(): ReadonlyArray<Classroom.IClassInfo> {
    return this._classes;
  }

  /** The class the student list shows (ALL_CLASSES: every student, grouped by class). */
  get selected(): string {
    return this._selected;
  }
  set selected(value: string) {
    if (value !== this._selected) {
      this._selected = value;
      this._changed.emit();
    }
  }

  /** The message of the last failed refresh, or null. */
  get error(): string | null {
    return this._error;
  }

  /** The class with an action in flight, or null. */
  get busy(): string | null {
    return this._busy;
  }

  /** The students of the selected class (all of them when none is selected). */
  filter(students: ReadonlyArray<Classroom.IStudent>): Classroom.IStudent[] {
    if (this._selected === ALL_CLASSES) {
      return [...students];
    }
    return students.filter(s => (s.classes ?? []).includes(this._selected));
  }

  /**
   * The students grouped by class, in class order; students in no class last (under '').
   * A student in several classes appears under each.
   */
  groups(
    students: ReadonlyArray<Classroom.IStudent>
  ): Array<[string, Classroom.IStudent[]]> {
    const byClass = new Map<string, Classroom.IStudent[]>();
    for (const info of this._classes) {
      byClass.set(info.name, []);
    }
    const none: Classroom.IStudent[] = [];
    for (const student of students) {
      const classes = student.classes ?? [];
      if (classes.length === 0) {
        none.push(student);
      }
      for (const name of classes) {
        if (!byClass.has(name)) {
          byClass.set(name, []);
        }
        byClass.get(name)!.push(student);
      }
    }
    const out = [...byClass.entries()].filter(([, list]) => list.length > 0);
    if (none.length > 0) {
      out.push([ALL_CLASSES, none]);
    }
    return out;
  }

  /** Reload the classes. Errors are kept in `error`, not thrown. */
  async refresh(): Promise<void> {
    // Refreshes overlap (every change of the class list asks for one): only the newest
    // request's answer counts, so an older, slower one cannot reset the class filter.
    const request = ++this._requests;
    try {
      const classes = await api.listClasses();
      if (request !== this._requests) {
        return;
      }
      this._classes = [...classes].sort((a, b) => a.name.localeCompare(b.name));
      if (
        this._selected !== ALL_CLASSES &&
        !this._classes.some(c => c.name === this._selected)
      ) {
        this._selected = ALL_CLASSES;
      }
      this._error = null;
    } catch (error) {
      if (request !== this._requests) {
        return;
      }
      this._error = api.errorMessage(error);
    }
    this._changed.emit();
  }

  /** Create a class (safe to repeat). */
  create(name: string): Promise<Classroom.IClassChange> {
    return this._act(name, () => api.createClass(name));
  }

  /** Disable/enable every student, or start/stop every server, of a class. */
  act(
    name: string,
    action: Classroom.ClassAction,
    onProgress?: Classroom.ProgressCallback
  ): Promise<Classroom.IClassResult> {
    return this._act(name, () => api.classAction(name, action, onProgress));
  }

  /** New passwords for every student of a class, with the sheet (shown once). */
  newPasswords(
    name: string,
    lang: 'en' | 'de',
    qr: boolean,
    onProgress?: Classroom.ProgressCallback
  ): Promise<Classroom.IClassResult> {
    return this._act(name, () =>
      api.classPasswords(name, lang, qr, onProgress)
    );
  }

  /** Remove the class (students in no other class removed, homes archived first). */
  remove(
    name: string,
    onProgress?: Classroom.ProgressCallback
  ): Promise<Classroom.IClassResult> {
    return this._act(name, () => api.removeClass(name, onProgress));
  }

  private async _act<T>(name: string, fn: () => Promise<T>): Promise<T> {
    this._busy = name;
    this._changed.emit();
    try {
      return await fn();
    } finally {
      this._busy = null;
      void this.refresh();
    }
  }

  private _classes: Classroom.IClassInfo[] = [];
  private _selected = ALL_CLASSES;
  private _requests = 0;
  private _error: string | null = null;
  private _busy: string | null = null;
  private _changed = new Signal<this, void>(this);
}
