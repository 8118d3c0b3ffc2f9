import { ISignal, Signal } from '@lumino/signaling';

import * as api from '../api';
import { Classroom } from '../tokens';

/**
 * The school defaults (no news prompt, no Extension Manager for students, whose server a
 * teacher opened): loaded from and saved to the service.
 */
export class SchoolDefaultsModel {
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /** The defaults in force (null until loaded). */
  get values(): Classroom.ISchoolDefaults | null {
    return this._values;
  }

  /** The message of the last failed load or save, or null. */
  get error(): string | null {
    return this._error;
  }

  async refresh(): Promise<void> {
    try {
      this._values = await api.getSchoolDefaults();
      this._error = null;
    } catch (error) {
      this._error = api.errorMessage(error);
    }
    this._changed.emit();
  }

  /** Change one default; the service answers with all of them. */
  async set(
    key: keyof Classroom.ISchoolDefaults,
    value: boolean
  ): Promise<void> {
    try {
      const reply = await api.putSchoolDefaults({ [key]: value });
      this._values = {
        news_prompt: reply.news_prompt,
        student_extension_manager: reply.student_extension_manager,
        show_server_owner: reply.show_server_owner
      };
      this._error = null;
    } catch (error) {
      this._error = api.errorMessage(error);
    }
    this._changed.emit();
  }

  private _values: Classroom.ISchoolDefaults | null = null;
  private _error: string | null = null;
  private _changed = new Signal<this, void>(this);
}
