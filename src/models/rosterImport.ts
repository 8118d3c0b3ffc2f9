import { ISignal, Signal } from '@lumino/signaling';

import * as api from '../api';
import { Classroom } from '../tokens';

/** Where a roster import stands. */
export type RosterStep = 'choose' | 'mapping' | 'preview' | 'applying' | 'done';

/** One student's credentials as the teacher hands them out. */
export interface IImportCredential {
  username: string;
  full_name: string | null;
  password: string;
  class_name?: string | null;
}

/** New students, and existing ones whose password the file sets. */
export function isApplied(row: Classroom.IPreviewRow): boolean {
  return (
    row.action === 'create' ||
    (row.action === 'exists' && row.input.password_given)
  );
}

/** The rows of an import result that have a password to hand out. */
export function credentialsOf(
  results: Classroom.IApplyResultRow[]
): IImportCredential[] {
  return results
    .filter(r => r.ok && r.password)
    .map(r => ({
      username: r.username,
      full_name: r.full_name,
      password: r.password as string,
      class_name: r.class_name ?? null
    }));
}

/**
 * One roster import: the server parses the uploaded file and keeps its rows (and the
 * passwords it holds) under an upload id; this model keeps only what the dialog shows and
 * the teacher's choices (a column mapping, edited usernames), and sends them back against
 * that id. Components read it and re-render on `changed`.
 */
export class RosterImportModel {
  /** Called after an import ran (the class list changed). */
  constructor(private _onImported: () => void = () => undefined) {}

  get changed(): ISignal<this, void> {
    return this._changed;
  }

  get step(): RosterStep {
    return this._step;
  }

  /** A request in flight (upload, check, mapping). */
  get busy(): boolean {
    return this._busy;
  }

  /** The server's message of the last failed call, or null. */
  get error(): string | null {
    return this._error;
  }

  /** How the server read the file, and its preview once the columns are known. */
  get upload(): Classroom.IRosterUpload | null {
    return this._upload;
  }

  get rows(): Classroom.IPreviewRow[] {
    return this._upload?.rows ?? [];
  }

  /** The field chosen for each column (by column index) in the mapping step. */
  get mapping(): { [column: number]: Classroom.RosterField | '' } {
    return this._mapping;
  }

  /** The usernames the teacher typed for refused rows (by row index). */
  get edits(): { [index: number]: string } {
    return this._edits;
  }

  /** Edits not checked by the server yet (apply waits for a check). */
  get dirty(): boolean {
    return this._dirty;
  }

  get progress(): { message: string; fraction: number | null } {
    return this._progress;
  }

  get results(): Classroom.IApplyResultRow[] | null {
    return this._results;
  }

  /**
   * The sync plan of the file (per student new, unchanged, moved, no longer listed), when
   * it names classes; null before, or when the server could not plan it.
   */
  get sync(): Classroom.ISyncPlan | null {
    return this._sync;
  }

  /** Why the sync plan could not be made (shown when the teacher chooses to sync). */
  get syncError(): string | null {
    return this._syncError;
  }

  /** The file's classes that exist already (a re-import). */
  get existingClasses(): string[] {
    const plan = this._sync;
    return plan ? plan.classes.filter(c => !plan.new_classes.includes(c)) : [];
  }

  /**
   * Whether applying syncs the file's classes (moves, and removes the students the teacher
   * ticked) instead of only adding. On by default when the file's classes exist already.
   */
  get syncMode(): boolean {
    return this._syncMode;
  }

  /** The teacher's choice: sync the classes of the file, or only add. */
  setSyncMode(on: boolean): void {
    this._syncMode = on;
    this._changed.emit();
  }

  /** The sync plan's items of one status (in the plan's order). */
  syncItems(status: Classroom.SyncStatus): Classroom.ISyncItem[] {
    return (this._sync?.items ?? []).filter(i => i.status === status);
  }

  /** The students no longer listed whom the teacher chose to archive and remove. */
  get leavers(): string[] {
    return this.syncItems('gone')
      .map(i => i.username as string)
      .filter(name => this._leavers.has(name));
  }

  /** Tick or untick a student no longer listed for "archive home and remove". */
  setLeaver(username: string, on: boolean): void {
    if (!this.syncItems('gone').some(i => i.username === username)) {
      return;
    }
    const next = new Set(this._leavers);
    if (on) {
      next.add(username);
    } else {
      next.delete(username);
    }
    this._leavers = next;
    this._changed.emit();
  }

  /** What a sync would change: new students, moves and the ticked removals. */
  get syncChanges(): number {
    return (
      this.syncItems('new').length +
      this.syncItems('moved').length +
      this.leavers.length
    );
  }

  /** The removals of the finished sync (each with the archive of the home). */
  get removed(): Classroom.ISyncRemoved[] {
    return this._removed;
  }

  /** The moves of the finished sync. */
  get moved(): Classroom.ISyncItem[] {
    return this._moved;
  }

  /** Problems of the finished sync (a student that could not be removed, ...). */
  get failed(): string[] {
    return this._failed;
  }

  /** The import's credentials (rows with a password). */
  get credentials(): IImportCredential[] {
    return credentialsOf(this._results ?? []);
  }

  /** Rows that would be created or changed. */
  get applicable(): number {
    return this.rows.filter(isApplied).length;
  }

  count(action: Classroom.IPreviewRow['action']): number {
    return this.rows.filter(r => r.action === action).length;
  }

  /** Upload a file (its bytes, unchanged). */
  async chooseFile(file: File): Promise<void> {
    await this._call(async () => {
      await this._showAndPlan(await api.uploadRoster(file, file.name));
    });
  }

  /** Choose the field of a column in the mapping step. */
  setColumn(column: number, field: Classroom.RosterField | ''): void {
    const next = { ...this._mapping };
    if (field) {
      // one column per field
      for (const key of Object.keys(next)) {
        if (next[Number(key)] === field) {
          next[Number(key)] = '';
        }
      }
    }
    next[column] = field;
    this._mapping = next;
    this._changed.emit();
  }

  /** Send the mapping; the server remembers it for files with the same header. */
  async submitMapping(): Promise<void> {
    const upload = this._upload;
    if (!upload) {
      return;
    }
    const mapping: { [field: string]: number } = {};
    for (const [column, field] of Object.entries(this._mapping)) {
      if (field) {
        mapping[field] = Number(column);
      }
    }
    await this._call(async () => {
      await this._showAndPlan(
        await api.previewUpload(upload.upload, { mapping })
      );
    });
  }

  /** Type a username for a refused row. */
  edit(index: number, username: string): void {
    this._edits = { ...this._edits, [index]: username };
    this._dirty = true;
    this._changed.emit();
  }

  /** Preview again with the teacher's usernames (the same check as the file's rows). */
  async recheck(): Promise<void> {
    const upload = this._upload;
    if (!upload) {
      return;
    }
    await this._call(async () => {
      await this._showAndPlan(
        await api.previewUpload(upload.upload, { edits: this._editList() })
      );
    });
  }

  /**
   * Create the accounts (refused rows are left out) and follow the job; in sync mode apply
   * the sync plan instead (the ticked students no longer listed archived and removed).
   */
  async apply(): Promise<void> {
    const upload = this._upload;
    if (!upload) {
      return;
    }
    this._error = null;
    this._step = 'applying';
    this._progress = { message: '', fraction: 0 };
    this._changed.emit();
    const onProgress = (message: string, fraction: number | null) => {
      this._progress = { message, fraction };
      this._changed.emit();
    };
    try {
      if (this._syncMode && this._sync) {
        const synced = await api.applySync(
          { upload: upload.upload, remove: this.leavers },
          onProgress
        );
        this._job = synced.job;
        this._results = synced.result.results ?? [];
        this._removed = synced.result.removed ?? [];
        this._moved = (synced.result.plan?.items ?? []).filter(
          i => i.status === 'moved'
        );
        this._failed = synced.result.failed ?? [];
        this._step = 'done';
        return;
      }
      const done = await api.applyUpload(
        upload.upload,
        // the edits were checked (apply waits for that); refused rows stay out
        { skip_refused: true },
        onProgress
      );
      this._job = done.job;
      this._results = done.result.results;
      this._step = 'done';
    } catch (error) {
      this._error = api.errorMessage(error);
      this._step = 'preview';
    } finally {
      this._changed.emit();
      this._onImported();
    }
  }

  /** The job of the finished import (its credentials sheet can be fetched again). */
  get job(): string | null {
    return this._job;
  }

  private _editList(): Classroom.IRosterEdit[] {
    return Object.entries(this._edits)
      .filter(([index]) => this.rows[Number(index)] !== undefined)
      .map(([index, username]) => ({
        line: this.rows[Number(index)].line,
        username: username.trim()
      }));
  }

  /** Show the server's preview and, when the file names classes, its sync plan. */
  private async _showAndPlan(reply: Classroom.IRosterUpload): Promise<void> {
    // a re-check of the same upload keeps the teacher's choices; a new file starts afresh
    const same = this._upload?.upload === reply.upload && this._sync !== null;
    const syncing = this._syncMode;
    if (!same) {
      this._leavers = new Set();
    }
    this._show(reply);
    this._sync = null;
    this._syncError = null;
    if (this._step !== 'preview' || !(reply.classes ?? []).length) {
      this._syncMode = false;
      return;
    }
    try {
      this._sync = await api.syncPreview(reply.upload);
    } catch (error) {
      // the plain import still works; the reason shows when the teacher asks to sync
      this._syncError = api.errorMessage(error);
    }
    const gone = new Set(this.syncItems('gone').map(i => i.username));
    this._leavers = new Set([...this._leavers].filter(n => gone.has(n)));
    this._syncMode = same ? syncing : this.existingClasses.length > 0;
  }

  private _show(reply: Classroom.IRosterUpload): void {
    this._upload = reply;
    if (reply.mapping_needed) {
      const mapping: { [column: number]: Classroom.RosterField | '' } = {};
      for (const column of reply.columns) {
        mapping[column.index] = '';
      }
      this._mapping = mapping;
      this._step = 'mapping';
      return;
    }
    const suggested: { [index: number]: string } = {};
    (reply.rows ?? []).forEach((row, index) => {
      if (row.action === 'refuse') {
        suggested[index] = row.suggested ?? '';
      }
    });
    this._edits = suggested;
    this._dirty = false;
    this._step = 'preview';
  }

  private async _call(fn: () => Promise<void>): Promise<void> {
    this._error = null;
    this._busy = true;
    this._changed.emit();
    try {
      await fn();
    } catch (error) {
      this._error = api.errorMessage(error);
    } finally {
      this._busy = false;
      this._changed.emit();
    }
  }

  private _step: RosterStep = 'choose';
  private _busy = false;
  private _error: string | null = null;
  private _upload: Classroom.IRosterUpload | null = null;
  private _mapping: { [column: number]: Classroom.RosterField | '' } = {};
  private _edits: { [index: number]: string } = {};
  private _dirty = false;
  private _progress: { message: string; fraction: number | null } = {
    message: '',
    fraction: 0
  };
  private _results: Classroom.IApplyResultRow[] | null = null;
  private _job: string | null = null;
  private _sync: Classroom.ISyncPlan | null = null;
  private _syncError: string | null = null;
  private _syncMode = false;
  private _leavers = new Set<string>();
  private _removed: Classroom.ISyncRemoved[] = [];
  private _moved: Classroom.ISyncItem[] = [];
  private _failed: string[] = [];
  private _changed = new Signal<this, void>(this);
}
