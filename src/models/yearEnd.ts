import { ISignal, Signal } from '@lumino/signaling';

import * as api from '../api';
import { Classroom } from '../tokens';

/** What happens to one class at the end of the school year. */
export type YearEndDecision =
  { action: 'keep' } | { action: 'promote'; to: string } | { action: 'leave' };

/** One class of the plan with the teacher's decision. */
export interface IYearEndClass {
  name: string;
  members: string[];
  decision: YearEndDecision;
}

/**
 * Why the plan cannot run (shown by the UI in the teacher's language):
 * - `bad-name`: the new name is not a valid class name,
 * - `same-name`: a class promoted to its own name,
 * - `taken`: the new name is a class that stays,
 * - `twice`: two classes promoted to the same name,
 * - `cycle`: classes promoted into each other's names (10a → 11a, 11a → 10a).
 */
export interface IYearEndProblem {
  kind: 'bad-name' | 'same-name' | 'taken' | 'twice' | 'cycle';
  name: string;
  to: string;
}

export type YearEndStepState =
  'pending' | 'running' | 'done' | 'failed' | 'skipped';

/** One step of the run: a promotion or a leaving class, in the order they run. */
export interface IYearEndStep {
  name: string;
  action: 'promote' | 'leave';
  /** promote: the new name */
  to: string | null;
  members: number;
  state: YearEndStepState;
  /** the latest progress message of the running step */
  progress: string;
  /** leave: the export archive (made and downloaded before the class is removed) */
  export: Classroom.IClassExport | null;
  downloaded: boolean;
  /** leave: the removal's result (each student's home archive) */
  removed: Classroom.IClassResult | null;
  /** promote: the rename's result */
  renamed: Classroom.IClassChange | null;
  error: string | null;
  /** skipped: the class whose failed step this one waited for */
  blockedBy: string | null;
}

/** Hands the downloaded export to the browser (a file the teacher saves). */
export type SaveExport = (data: Blob, filename: string) => void;

/** A class name as the service accepts it (provision/classes.py CLASS_NAME_RE). */
export const CLASS_NAME = /^[a-z0-9][a-z0-9_-]{0,31}$/;

/** The class name one year on: the first number goes up (10a → 11a, q1 → q2), else ''. */
export function suggestPromotion(name: string): string {
  const match = /^(\D*)(\d+)(.*)$/.exec(name);
  if (!match) {
    return '';
  }
  return `${match[1]}${Number(match[2]) + 1}${match[3]}`;
}

/**
 * The guided end of the school year: per class keep, promote (rename, members kept) or
 * leave (export everything of the class, download it, then remove the class with every
 * leaver's home archived). The plan is checked as a whole before anything runs; leaving
 * classes go first, then promotions in an order where no name is taken (12a → 13a before
 * 11a → 12a). A step that fails stops only the steps waiting for its name; the export of a
 * leaving class must have been downloaded before the class is removed.
 */
export class YearEndModel {
  /** Emitted when the plan, a decision or a step's state changes. */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /** The classes of the plan, by name. */
  get classes(): ReadonlyArray<IYearEndClass> {
    return this._classes;
  }

  /** The steps of the last run (empty before a run). */
  get steps(): ReadonlyArray<IYearEndStep> {
    return this._steps;
  }

  /** Whether a run is in flight. */
  get running(): boolean {
    return this._running;
  }

  /** Load the classes; every decision starts as "keep". */
  async load(): Promise<void> {
    const classes = await api.listClasses();
    this._classes = [...classes]
      .sort((a, b) => a.name.localeCompare(b.name))
      .map(c => ({
        name: c.name,
        members: [...c.members],
        decision: { action: 'keep' }
      }));
    this._steps = [];
    this._changed.emit();
  }

  /** The decision for one class. */
  decide(name: string, decision: YearEndDecision): void {
    const entry = this._classes.find(c => c.name === name);
    if (!entry) {
      throw new Error(`No class ${name}`);
    }
    entry.decision =
      decision.action === 'promote'
        ? { action: 'promote', to: decision.to.trim() }
        : decision;
    this._changed.emit();
  }

  /** Everything that keeps the plan from running (empty: it can run). */
  problems(): IYearEndProblem[] {
    const out: IYearEndProblem[] = [];
    const staying = new Set(
      this._classes.filter(c => c.decision.action === 'keep').map(c => c.name)
    );
    const targets = new Map<string, string>();
    for (const c of this._classes) {
      if (c.decision.action !== 'promote') {
        continue;
      }
      const to = c.decision.to;
      if (!CLASS_NAME.test(to)) {
        out.push({ kind: 'bad-name', name: c.name, to });
      } else if (to === c.name) {
        out.push({ kind: 'same-name', name: c.name, to });
      } else if (staying.has(to)) {
        out.push({ kind: 'taken', name: c.name, to });
      } else if (targets.has(to)) {
        out.push({ kind: 'twice', name: c.name, to });
      } else {
        targets.set(to, c.name);
      }
    }
    if (out.length === 0) {
      const { cycle } = this._promotionOrder();
      for (const name of cycle) {
        const c = this._classes.find(x => x.name === name)!;
        out.push({
          kind: 'cycle',
          name,
          to: c.decision.action === 'promote' ? c.decision.to : ''
        });
      }
    }
    return out;
  }

  /** The steps the plan would run, in order (leaving classes first). */
  plannedSteps(): IYearEndStep[] {
    const step = (
      c: IYearEndClass,
      action: 'promote' | 'leave'
    ): IYearEndStep => ({
      name: c.name,
      action,
      to: c.decision.action === 'promote' ? c.decision.to : null,
      members: c.members.length,
      state: 'pending',
      progress: '',
      export: null,
      downloaded: false,
      removed: null,
      renamed: null,
      error: null,
      blockedBy: null
    });
    const leaving = this._classes
      .filter(c => c.decision.action === 'leave')
      .map(c => step(c, 'leave'));
    const promoted = this._promotionOrder().order.map(c => step(c, 'promote'));
    return [...leaving, ...promoted];
  }

  /**
   * Run the plan. `save` receives each leaving class's export once it is fully downloaded;
   * only then is that class removed. Rejects (changing nothing) when the plan has problems.
   */
  async run(save: SaveExport): Promise<ReadonlyArray<IYearEndStep>> {
    if (this._running) {
      throw new Error('The end of the school year is already running.');
    }
    const problems = this.problems();
    if (problems.length > 0) {
      throw new Error(
        `The plan cannot run: ${problems.map(p => `${p.name} (${p.kind})`).join(', ')}`
      );
    }
    this._steps = this.plannedSteps();
    this._running = true;
    this._changed.emit();
    try {
      for (const step of this._steps) {
        // a promotion into a name whose class did not leave / move on must wait
        const blocker = this._steps.find(
          s =>
            s.name === step.to &&
            (s.state === 'failed' || s.state === 'skipped')
        );
        if (blocker) {
          this._update(step, { state: 'skipped', blockedBy: blocker.name });
          continue;
        }
        this._update(step, { state: 'running' });
        const onProgress = (message: string) =>
          this._update(step, { progress: message });
        try {
          if (step.action === 'leave') {
            const made = await api.exportClass(step.name, onProgress);
            this._update(step, { export: made });
            const data = await api.downloadClassExport(made.export);
            save(data, made.export);
            this._update(step, { downloaded: true });
            const removed = await api.removeClass(step.name, onProgress);
            const failed = removed.members.filter(m => !m.ok);
            this._update(step, {
              removed,
              state: failed.length > 0 ? 'failed' : 'done',
              error:
                failed.length > 0
                  ? failed.map(m => `${m.name}: ${m.message}`).join('; ')
                  : null
            });
          } else {
            const renamed = await api.renameClass(step.name, step.to!);
            this._update(step, { renamed, state: 'done' });
          }
        } catch (error) {
          this._update(step, {
            state: 'failed',
            error: api.errorMessage(error)
          });
        }
      }
    } finally {
      this._running = false;
      this._changed.emit();
    }
    return this._steps;
  }

  /** Counts of the last run: promoted classes, classes that left, students removed, failed. */
  summary(): {
    promoted: number;
    left: number;
    removed: number;
    archives: number;
    failed: number;
  } {
    const done = this._steps.filter(s => s.state === 'done');
    const removedMembers = this._steps.flatMap(
      s => s.removed?.members.filter(m => m.ok) ?? []
    );
    return {
      promoted: done.filter(s => s.action === 'promote').length,
      left: done.filter(s => s.action === 'leave').length,
      removed: removedMembers.length,
      archives: removedMembers.filter(m => m.archive).length,
      failed: this._steps.filter(
        s => s.state === 'failed' || s.state === 'skipped'
      ).length
    };
  }

  /**
   * The promotions in an order that never takes a name still in use: a class whose new
   * name is another promoted class's old name goes after it. `cycle` names the classes
   * that cannot be ordered.
   */
  private _promotionOrder(): { order: IYearEndClass[]; cycle: string[] } {
    const promoted = this._classes.filter(c => c.decision.action === 'promote');
    const pending = new Map(promoted.map(c => [c.name, c]));
    const order: IYearEndClass[] = [];
    let progressed = true;
    while (pending.size > 0 && progressed) {
      progressed = false;
      for (const c of [...pending.values()]) {
        const to = c.decision.action === 'promote' ? c.decision.to : '';
        if (!pending.has(to) || to === c.name) {
          order.push(c);
          pending.delete(c.name);
          progressed = true;
        }
      }
    }
    return { order, cycle: [...pending.keys()] };
  }

  private _update(step: IYearEndStep, patch: Partial<IYearEndStep>): void {
    Object.assign(step, patch);
    this._changed.emit();
  }

  private _classes: IYearEndClass[] = [];
  private _steps: IYearEndStep[] = [];
  private _running = false;
  private _changed = new Signal<this, void>(this);
}
