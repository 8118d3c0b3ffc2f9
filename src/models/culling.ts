import { ISignal, Signal } from '@lumino/signaling';

import * as api from '../api';
import { Classroom } from '../tokens';

/**
 * The idle timeouts area: after how long idle kernels and servers are stopped, and the
 * host's capacity estimate.
 */
export class IdleTimeoutsModel {
  /** Emitted when the timeouts, the capacity or the error change. */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /** The stored timeouts (null until loaded). */
  get timeouts(): Classroom.IIdleTimeouts | null {
    return this._timeouts;
  }

  /** About how many active students with Java this host carries (null: unknown). */
  get capacity(): Classroom.ICapacity | null {
    return this._capacity;
  }

  /** The message of the last failed load, or null. */
  get error(): string | null {
    return this._error;
  }

  /** Reload the timeouts and the capacity estimate. Errors are kept, not thrown. */
  async refresh(): Promise<void> {
    await Promise.all([
      api
        .getIdleTimeouts()
        .then(t => {
          this._timeouts = t;
          this._error = null;
        })
        .catch(e => (this._error = api.errorMessage(e))),
      api
        .getCapacity()
        .then(c => (this._capacity = c))
        .catch(() => undefined) // an estimate only: the form works without it
    ]);
    this._changed.emit();
  }

  /** Save new timeouts (seconds; 0: never). */
  async save(
    timeouts: Classroom.IIdleTimeouts
  ): Promise<Classroom.IIdleTimeoutsSaved> {
    const result = await api.putIdleTimeouts(timeouts);
    this._timeouts = result.timeouts;
    this._changed.emit();
    return result;
  }

  private _timeouts: Classroom.IIdleTimeouts | null = null;
  private _capacity: Classroom.ICapacity | null = null;
  private _error: string | null = null;
  private _changed = new Signal<this, void>(this);
}
