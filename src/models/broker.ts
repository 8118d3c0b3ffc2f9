import { ISignal, Signal } from '@lumino/signaling';

import * as api from '../api';
import { Classroom } from '../tokens';

/**
 * The class broker area (teacher): the broker every student's snippets and templates use,
 * its test, and adding class snippets and templates.
 */
export class BrokerModel {
  /** Emitted when the stored settings or the load error change. */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /** The broker as stored (null until loaded). */
  get settings(): Classroom.IClassBroker | null {
    return this._settings;
  }

  /** The message of the last failed load, or null. */
  get error(): string | null {
    return this._error;
  }

  /** Reload the stored settings. Errors are kept in `error`, not thrown. */
  async refresh(): Promise<void> {
    try {
      this._settings = await api.getBroker();
      this._error = null;
    } catch (e) {
      this._error = api.errorMessage(e);
    }
    this._changed.emit();
  }

  /** Save the settings; resolves with what the service stored. */
  async save(
    settings: Classroom.IClassBroker
  ): Promise<Classroom.IBrokerSaved> {
    const result = await api.putBroker(settings);
    this._settings = result.settings;
    this._changed.emit();
    return result;
  }

  /** Connect, subscribe, publish and receive with these settings (nothing is saved). */
  test(settings: Classroom.IClassBroker): Promise<Classroom.IBrokerTest> {
    return api.testBroker(settings);
  }

  addSnippet(snippet: Classroom.INewSnippet): Promise<Classroom.ISaved> {
    return api.addSnippet(snippet);
  }

  addTemplate(template: Classroom.INewTemplate): Promise<Classroom.ISaved> {
    return api.addTemplate(template);
  }

  private _settings: Classroom.IClassBroker | null = null;
  private _error: string | null = null;
  private _changed = new Signal<this, void>(this);
}
