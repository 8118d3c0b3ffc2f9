import { ISignal, Signal } from '@lumino/signaling';

import * as api from '../api';
import { ICredentialRow } from '../credentials';
import { Classroom } from '../tokens';

/** The rows of a sheet as the browser hands them out. */
export function sheetRows(
  credentials: Classroom.ICredentials[]
): ICredentialRow[] {
  return credentials
    .filter(c => c.password)
    .map(c => ({
      username: c.name,
      full_name: c.full_name,
      password: c.password
    }));
}

/**
 * The teacher's last credentials sheet as the service keeps it (30 minutes after an import
 * or "new passwords"): whether one is kept and until when, fetching it again, new passwords
 * for a selection.
 */
export class CredentialsModel {
  /** Emitted when `kept` changes. */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /** The kept sheet's summary (no passwords), or null. */
  get kept(): Classroom.IKeptSheetSummary | null {
    if (this._kept && Date.parse(this._kept.expires) <= Date.now()) {
      return null;
    }
    return this._kept;
  }

  /** Ask the service whether a sheet is kept (after a reload). Errors count as "none". */
  async refresh(): Promise<void> {
    try {
      this._set(await api.keptSheet());
    } catch {
      this._set(null);
    }
  }

  /** Remember what an import or "new passwords" reported as kept. */
  noteKept(kept: Classroom.IKeptSheetSummary | null | undefined): void {
    this._set(kept ?? null);
  }

  /** The kept sheet with its passwords (the service records the fetch). */
  async fetch(): Promise<Classroom.IKeptSheet> {
    try {
      return await api.lastSheet();
    } catch (error) {
      void this.refresh();
      throw error;
    }
  }

  /** The teacher saved the sheet: the service shreds its copy. */
  async discard(): Promise<void> {
    await api.discardSheet();
    this._set(null);
  }

  /** New generated passwords for the named students: one sheet, kept like an import's. */
  async newPasswords(names: string[]): Promise<Classroom.INewPasswordsReply> {
    const reply = await api.newPasswords(names);
    this._set(reply.kept);
    return reply;
  }

  private _set(kept: Classroom.IKeptSheetSummary | null): void {
    this._kept = kept;
    this._changed.emit();
  }

  private _kept: Classroom.IKeptSheetSummary | null = null;
  private _changed = new Signal<this, void>(this);
}
