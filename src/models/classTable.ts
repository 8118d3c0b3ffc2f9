import { ISignal, Signal } from '@lumino/signaling';

import * as api from '../api';
import { Classroom } from '../tokens';
import { StudentsModel } from './students';

/** The columns the class table sorts by. */
export type SortKey = 'name' | 'full_name' | 'classes' | 'state' | 'activity';

/** What a bulk action of the class table does to each selected student. */
export type BulkAction =
  'new-passwords' | 'disable' | 'enable' | 'start' | 'stop' | 'move' | 'remove';

/** What moving students into a class did. */
export interface IMoveResult {
  /** moved out of another class, or put into the class (they were in none) */
  moved: string[];
  /** in the class already */
  unchanged: string[];
  /** in several classes while the table shows all classes: which one to leave is unclear */
  ambiguous: string[];
  /** "name (message)" for each student the service refused */
  failed: string[];
}

function stateOf(s: Classroom.IStudent): string {
  return `${s.locked ? 1 : 0}${s.server_running ? 0 : 1}`;
}

/**
 * The class table's own state over the students model: sort column and direction, class
 * filter and the selection (kept by name across reloads; names that are gone drop out).
 */
export class ClassTableModel {
  constructor(readonly students: StudentsModel) {
    students.changed.connect(() => {
      const names = new Set(students.students.map(s => s.name));
      for (const name of [...this._selected]) {
        if (!names.has(name)) {
          this._selected.delete(name);
        }
      }
      this._changed.emit();
    });
  }

  get changed(): ISignal<this, void> {
    return this._changed;
  }

  get sortKey(): SortKey {
    return this._sortKey;
  }
  get ascending(): boolean {
    return this._ascending;
  }

  /** Sort by `key`; the same key again turns the direction around. */
  sortBy(key: SortKey): void {
    this._ascending = key === this._sortKey ? !this._ascending : true;
    this._sortKey = key;
    this._changed.emit();
  }

  /** Every class named in the list (empty when the service reports none). */
  get classes(): string[] {
    const all = new Set<string>();
    this.students.students.forEach(s =>
      (s.classes ?? []).forEach(c => all.add(c))
    );
    return [...all].sort();
  }

  /** The class filter ('' = all). */
  get classFilter(): string {
    return this._class;
  }
  set classFilter(value: string) {
    this._class = value;
    this._changed.emit();
  }

  /** The rows to show: searched (students model), filtered by class, sorted. */
  get rows(): Classroom.IStudent[] {
    let rows = this.students.filtered;
    if (this._class) {
      rows = rows.filter(s => (s.classes ?? []).includes(this._class));
    }
    const key = (s: Classroom.IStudent): string => {
      switch (this._sortKey) {
        case 'full_name':
          return (s.full_name ?? '').toLowerCase();
        case 'classes':
          return (s.classes ?? []).join(',');
        case 'state':
          return stateOf(s);
        case 'activity':
          return s.last_activity ?? '';
        default:
          return s.name;
      }
    };
    const sign = this._ascending ? 1 : -1;
    return [...rows].sort(
      (a, b) =>
        sign * (key(a).localeCompare(key(b)) || a.name.localeCompare(b.name))
    );
  }

  isSelected(name: string): boolean {
    return this._selected.has(name);
  }

  /** The selected names, in table order. */
  get selected(): string[] {
    return this.rows.map(s => s.name).filter(n => this._selected.has(n));
  }

  toggle(name: string): void {
    if (this._selected.has(name)) {
      this._selected.delete(name);
    } else {
      this._selected.add(name);
    }
    this._changed.emit();
  }

  /** Select every shown row, or none if all are selected already. */
  toggleAll(): void {
    const shown = this.rows.map(s => s.name);
    const all = shown.length > 0 && shown.every(n => this._selected.has(n));
    this._selected.clear();
    if (!all) {
      shown.forEach(n => this._selected.add(n));
    }
    this._changed.emit();
  }

  /** The names of every class (the service's list: also classes with no one in them). */
  async targetClasses(): Promise<string[]> {
    return (await api.listClasses()).map(c => c.name).sort();
  }

  /**
   * Move the named students into class `target`: out of the class the table is filtered by,
   * or else out of their one class; a student in no class joins it. A student in several
   * classes while the table shows all classes is left alone (`ambiguous`): the teacher
   * chooses the class to move from in the class filter. The list is reloaded afterwards.
   */
  async moveTo(target: string, names: string[]): Promise<IMoveResult> {
    const result: IMoveResult = {
      moved: [],
      unchanged: [],
      ambiguous: [],
      failed: []
    };
    const bySource = new Map<string, string[]>();
    for (const name of names) {
      const classes =
        this.students.students.find(s => s.name === name)?.classes ?? [];
      const source = this._class
        ? this._class
        : classes.length <= 1
          ? (classes[0] ?? '')
          : null;
      if (source === null) {
        result.ambiguous.push(name);
      } else if (source === target) {
        result.unchanged.push(name);
      } else {
        bySource.set(source, [...(bySource.get(source) ?? []), name]);
      }
    }
    for (const [source, users] of bySource) {
      try {
        if (source) {
          await api.moveToClass(source, users, target);
        } else {
          await api.addToClass(target, users);
        }
        result.moved.push(...users);
      } catch (error) {
        const message = api.errorMessage(error);
        result.failed.push(...users.map(u => `${u} (${message})`));
      }
    }
    if (result.moved.length > 0) {
      await this.students.refresh();
    }
    return result;
  }

  clearSelection(): void {
    this._selected.clear();
    this._changed.emit();
  }

  private _sortKey: SortKey = 'name';
  private _ascending = true;
  private _class = '';
  private _selected = new Set<string>();
  private _changed = new Signal<this, void>(this);
}
