import { ISignal, Signal } from '@lumino/signaling';

import * as api from '../api';
import { Classroom } from '../tokens';
import { KernelsModel } from './kernels';
import { IProgress } from './progress';

/**
 * The libraries area: the shared jars (with the kernels that have each on their class path)
 * and the shared Python packages, each with its error and the progress of its running job.
 * Follows the kernels model: a kernel installed, removed or edited reloads the jars.
 */
export class LibrariesModel {
  constructor(options: LibrariesModel.IOptions = {}) {
    options.kernels?.kernelsChanged.connect(
      () => void this.refreshJars(),
      this
    );
  }

  /** Emitted whenever a list, an error or a progress changes. */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /** The shared jars and the trash (null until loaded). */
  get jars(): Classroom.IJarList | null {
    return this._jars;
  }

  get jarsError(): string | null {
    return this._jarsError;
  }

  /** The progress of the running jar job or upload, or null. */
  get jarsProgress(): IProgress | null {
    return this._jarsProgress;
  }

  /** The shared Python packages (null until loaded). */
  get pylibs(): Classroom.IPyLibList | null {
    return this._pylibs;
  }

  get pylibsError(): string | null {
    return this._pylibsError;
  }

  /** The progress of the running pip install, or null. */
  get pylibsProgress(): IProgress | null {
    return this._pylibsProgress;
  }

  /** Reload both lists. */
  async refresh(): Promise<void> {
    await Promise.all([this.refreshJars(), this.refreshPyLibs()]);
  }

  /** Reload the jars. Errors are kept in `jarsError`, not thrown. */
  async refreshJars(): Promise<void> {
    try {
      this._jars = await api.listJars();
      this._jarsError = null;
    } catch (e) {
      this._jarsError = api.errorMessage(e);
    }
    this._changed.emit();
  }

  /** Reload the Python packages. Errors are kept in `pylibsError`, not thrown. */
  async refreshPyLibs(): Promise<void> {
    try {
      this._pylibs = await api.listPyLibs();
      this._pylibsError = null;
    } catch (e) {
      this._pylibsError = api.errorMessage(e);
    }
    this._changed.emit();
  }

  /** Add a jar from a Maven repository (a job); rejects with the job's message. */
  async addMaven(
    request: Classroom.IMavenRequest,
    start: string
  ): Promise<Classroom.IChange[]> {
    this._setJarsProgress({ message: start, fraction: null });
    try {
      const result = await api.addMavenJar(request, (message, fraction) =>
        this._setJarsProgress({ message, fraction })
      );
      return result.changes;
    } finally {
      this._setJarsProgress(null);
      void this.refreshJars();
    }
  }

  /** Upload a .jar file. */
  async upload(file: File, start: string): Promise<Classroom.IChange> {
    this._setJarsProgress({ message: start, fraction: null });
    try {
      return await api.uploadJar(file);
    } finally {
      this._setJarsProgress(null);
      void this.refreshJars();
    }
  }

  /** Move a jar to the trash. */
  async removeJar(file: string): Promise<Classroom.IChange> {
    const change = await api.removeJar(file);
    void this.refreshJars();
    return change;
  }

  /** Bring a jar back from the trash. */
  async restoreJar(file: string): Promise<Classroom.IChange> {
    try {
      return await api.restoreJar(file);
    } finally {
      void this.refreshJars();
    }
  }

  /** pip install into the shared folder (a job); rejects with the job's message. */
  async installPyLib(
    requirement: string,
    start: string
  ): Promise<Classroom.IChange> {
    this._setPyLibsProgress({ message: start, fraction: null });
    try {
      return await api.installPyLib(requirement, (message, fraction) =>
        this._setPyLibsProgress({ message, fraction })
      );
    } finally {
      this._setPyLibsProgress(null);
      void this.refreshPyLibs();
    }
  }

  /** Move a shared Python package to the trash. */
  async removePyLib(name: string): Promise<Classroom.IChange> {
    const change = await api.removePyLib(name);
    void this.refreshPyLibs();
    return change;
  }

  /** Bring a Python package back from the trash. */
  async restorePyLib(name: string): Promise<Classroom.IChange> {
    try {
      return await api.restorePyLib(name);
    } finally {
      await this.refreshPyLibs();
    }
  }

  private _setJarsProgress(progress: IProgress | null): void {
    this._jarsProgress = progress;
    this._changed.emit();
  }

  private _setPyLibsProgress(progress: IProgress | null): void {
    this._pylibsProgress = progress;
    this._changed.emit();
  }

  private _jars: Classroom.IJarList | null = null;
  private _jarsError: string | null = null;
  private _jarsProgress: IProgress | null = null;
  private _pylibs: Classroom.IPyLibList | null = null;
  private _pylibsError: string | null = null;
  private _pylibsProgress: IProgress | null = null;
  private _changed = new Signal<this, void>(this);
}

export namespace LibrariesModel {
  export interface IOptions {
    /** Reload the jars (their kernel column) when the kernels change. */
    kernels?: KernelsModel;
  }
}
