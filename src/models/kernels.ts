import { ISignal, Signal } from '@lumino/signaling';

import * as api from '../api';
import { Classroom } from '../tokens';
import { IProgress } from './progress';

/**
 * The kernels area: the kernelspecs students see, the last test results, and the progress of
 * the running job (install, test). Components re-render on `changed`; other areas follow
 * `kernelsChanged` (a kernel installed, removed or its env edited changes the jars' class
 * paths).
 */
export class KernelsModel {
  /** Emitted whenever the list, the results, the error or the progress change. */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /** Emitted after a kernel was installed, removed or had its env changed. */
  get kernelsChanged(): ISignal<this, void> {
    return this._kernelsChanged;
  }

  /** The kernels (null until loaded). */
  get kernels(): ReadonlyArray<Classroom.IKernel> | null {
    return this._kernels;
  }

  /** The removed kernelspecs that can be restored. */
  get trash(): ReadonlyArray<string> {
    return this._trash;
  }

  /** The message of the last failed refresh, or null. */
  get error(): string | null {
    return this._error;
  }

  /** The last test result per kernel name. */
  get results(): { readonly [name: string]: Classroom.IKernelTest } {
    return this._results;
  }

  /** The progress of the running job, or null when none runs. */
  get progress(): IProgress | null {
    return this._progress;
  }

  /** Whether a job runs (the section's buttons are disabled). */
  get busy(): boolean {
    return this._progress !== null;
  }

  /** Reload the kernels. Errors are kept in `error`, not thrown. */
  async refresh(): Promise<void> {
    try {
      const list = await api.listKernelsAndTrash();
      this._kernels = list.kernels;
      this._trash = list.trash ?? [];
      this._error = null;
    } catch (e) {
      this._error = api.errorMessage(e);
    }
    this._changed.emit();
  }

  /** Test one kernel; rejects with the job's message. */
  async test(name: string, start: string): Promise<Classroom.IKernelTest> {
    const result = await this._job(start, p => api.testKernel(name, p));
    this._results = { ...this._results, [name]: result };
    this._changed.emit();
    return result;
  }

  /** Test every kernel (the results replace the previous ones). */
  async testAll(start: string): Promise<Classroom.IKernelTest[]> {
    const reply = await this._job(start, p => api.testAllKernels(p));
    const next: { [name: string]: Classroom.IKernelTest } = {};
    reply.results.forEach(x => (next[x.name] = x));
    this._results = next;
    this._changed.emit();
    return reply.results;
  }

  /** Install a kernel (a job), then reload the kernels and tell the other areas. */
  async install(
    kind: Classroom.KernelKind,
    start: string
  ): Promise<Classroom.IChange> {
    try {
      return await this._job(start, p => api.installKernel(kind, p));
    } finally {
      await this._afterChange();
    }
  }

  /** Move a kernelspec to the trash. */
  async remove(name: string): Promise<Classroom.IChange> {
    const change = await api.removeKernel(name);
    await this._afterChange();
    return change;
  }

  /** Bring a kernelspec back from the trash, then reload and tell the other areas. */
  async restore(name: string): Promise<Classroom.IChange> {
    try {
      return await api.restoreKernel(name);
    } finally {
      await this._afterChange();
    }
  }

  /** Replace a kernel's env. */
  async setEnv(
    name: string,
    env: { [key: string]: string }
  ): Promise<Classroom.IChange> {
    try {
      return await api.setKernelEnv(name, env);
    } finally {
      await this._afterChange();
    }
  }

  private async _afterChange(): Promise<void> {
    await this.refresh();
    this._kernelsChanged.emit();
  }

  private async _job<T>(
    start: string,
    fn: (onProgress: Classroom.ProgressCallback) => Promise<T>
  ): Promise<T> {
    this._setProgress({ message: start, fraction: null });
    try {
      return await fn((message, fraction) =>
        this._setProgress({ message, fraction })
      );
    } finally {
      this._setProgress(null);
    }
  }

  private _setProgress(progress: IProgress | null): void {
    this._progress = progress;
    this._changed.emit();
  }

  private _kernels: Classroom.IKernel[] | null = null;
  private _trash: string[] = [];
  private _error: string | null = null;
  private _results: { [name: string]: Classroom.IKernelTest } = {};
  private _progress: IProgress | null = null;
  private _changed = new Signal<this, void>(this);
  private _kernelsChanged = new Signal<this, void>(this);
}
