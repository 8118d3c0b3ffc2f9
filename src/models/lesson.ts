import { ISignal, Signal } from '@lumino/signaling';

import * as api from '../api';
import { Classroom } from '../tokens';

/** How often the live panel refreshes while it is shown (ms). */
export const LIVE_REFRESH_INTERVAL = 4000;

/**
 * The lesson area: the class live panel's state (one class, refreshed every few seconds
 * while shown), hand-out and collect.
 */
export class LessonModel {
  constructor(options: LessonModel.IOptions = {}) {
    this._locale = options.locale ?? '';
  }

  /** Emitted when the live data, the class, the error or a pending stop change. */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /** The class shown (a hub group), or '' for every student. */
  get className(): string {
    return this._className;
  }

  set className(value: string) {
    if (value === this._className) {
      return;
    }
    this._className = value;
    this._live = null;
    this._changed.emit();
    void this.refresh();
  }

  /** The last refresh (null until loaded). */
  get live(): Classroom.IClassLive | null {
    return this._live;
  }

  /** The message of the last failed refresh, or null. */
  get error(): string | null {
    return this._error;
  }

  /** Students whose server is being stopped. */
  get stopping(): ReadonlySet<string> {
    return this._stopping;
  }

  /** Reload the live data; errors are kept, not thrown. */
  async refresh(fresh = false): Promise<void> {
    const asked = this._className;
    try {
      const live = await api.getClassLive(asked || null, fresh);
      if (asked !== this._className) {
        return; // the class changed meanwhile
      }
      this._live = live;
      this._error = null;
    } catch (e) {
      this._error = api.errorMessage(e);
    }
    this._changed.emit();
  }

  /** Refresh every `interval` ms until {@link stop} (the panel is shown). */
  start(interval = LIVE_REFRESH_INTERVAL): void {
    if (this._timer !== null) {
      return;
    }
    void this.refresh();
    this._timer = window.setInterval(() => void this.refresh(), interval);
  }

  /** Stop refreshing (the panel is hidden or closed). */
  stop(): void {
    if (this._timer !== null) {
      window.clearInterval(this._timer);
      this._timer = null;
    }
  }

  /** Stop a student's server (a runaway kernel), then refresh from the hub. */
  async stopServer(name: string): Promise<Classroom.IChange> {
    this._stopping.add(name);
    this._changed.emit();
    try {
      return await api.setServer(name, false);
    } finally {
      this._stopping.delete(name);
      await this.refresh(true);
    }
  }

  /** The notebook templates (shipped and the class's) that can be handed out. */
  templates(): Promise<Classroom.ITemplate[]> {
    return api.listTemplates(this._locale || undefined);
  }

  /** Hand out (see api.handOut); a template goes out in the teacher's UI language where it
   * is translated. */
  handOut(
    request: Classroom.IHandoutRequest,
    onProgress?: Classroom.ProgressCallback
  ): Promise<Classroom.IHandoutResult> {
    const locale = request.locale ?? (this._locale || undefined);
    return api.handOut(locale ? { ...request, locale } : request, onProgress);
  }

  /** Collect an assignment from the class shown (or `className`). */
  collect(
    assignment: string,
    className: string,
    onProgress?: Classroom.ProgressCallback
  ): Promise<Classroom.ICollectResult> {
    return api.collect(assignment, className, onProgress);
  }

  /** The handed-out assignments (for the collect dialog). */
  assignments(): Promise<Classroom.IAssignment[]> {
    return api.listAssignments();
  }

  dispose(): void {
    this.stop();
    Signal.clearData(this);
  }

  private _locale: string;
  private _className = '';
  private _live: Classroom.IClassLive | null = null;
  private _error: string | null = null;
  private _stopping = new Set<string>();
  private _timer: number | null = null;
  private _changed = new Signal<this, void>(this);
}

export namespace LessonModel {
  export interface IOptions {
    /** The teacher's UI language (ITranslator.languageCode): templates in it where translated. */
    locale?: string;
  }
}
