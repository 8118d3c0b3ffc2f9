import { PathExt } from '@jupyterlab/coreutils';
import { Contents, ServerConnection } from '@jupyterlab/services';
import { TranslationBundle } from '@jupyterlab/translation';
import { ISignal, Signal } from '@lumino/signaling';

import { Classroom } from '../tokens';
import { parseViewerPath, VIEWER_DRIVE } from './paths';

/** Fetches one notebook of a student (the classroom service reads it as root). */
export type NotebookFetcher = (
  student: string,
  path: string
) => Promise<Classroom.INotebookCopy>;

/**
 * Mark every cell untrusted and not editable, whatever the file says: JupyterLab takes a
 * cell's trust from `metadata.trusted`, and makes a cell read-only on `editable: false`.
 */
export function untrustedCopy(notebook: any): any {
  const cells = Array.isArray(notebook?.cells) ? notebook.cells : [];
  return {
    ...notebook,
    cells: cells.map((cell: any) => ({
      ...cell,
      metadata: {
        ...(cell?.metadata ?? {}),
        trusted: false,
        editable: false,
        deletable: false
      }
    }))
  };
}

/**
 * A read-only contents drive (`classroom-view:`) that serves students' notebooks as the
 * classroom service returned them. Nothing is written anywhere: every writing call is refused,
 * so a document opened from here can be neither saved nor "saved as".
 */
export class StudentNotebooksDrive implements Contents.IDrive {
  constructor(
    private readonly _fetch: NotebookFetcher,
    private readonly trans: TranslationBundle
  ) {}

  readonly name = VIEWER_DRIVE;
  readonly serverSettings: ServerConnection.ISettings =
    ServerConnection.makeSettings();

  get fileChanged(): ISignal<this, Contents.IChangedArgs> {
    return this._fileChanged;
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    Signal.clearData(this);
  }

  async get(
    localPath: string,
    options?: Contents.IFetchOptions
  ): Promise<Contents.IModel> {
    const target = parseViewerPath(localPath);
    if (!target) {
      throw new Error(
        this.trans.__('%1 is not a student notebook of the viewer.', localPath)
      );
    }
    const copy = await this._fetch(target.student, target.path);
    return {
      name: PathExt.basename(localPath),
      path: localPath,
      type: 'notebook',
      format: 'json',
      mimetype: 'application/x-ipynb+json',
      writable: false,
      created: copy.modified,
      last_modified: copy.modified,
      size: copy.size,
      content: options?.content === false ? null : untrustedCopy(copy.notebook)
    };
  }

  getDownloadUrl(localPath: string): Promise<string> {
    // Images and links relative to the notebook are not served from a student's home: an
    // empty data URL shows a broken image, without a request and without an error.
    return Promise.resolve('data:,');
  }

  newUntitled(options?: Contents.ICreateOptions): Promise<Contents.IModel> {
    return Promise.reject(new Error(this._readOnly()));
  }

  delete(localPath: string): Promise<void> {
    return Promise.reject(new Error(this._readOnly()));
  }

  rename(oldLocalPath: string, newLocalPath: string): Promise<Contents.IModel> {
    return Promise.reject(new Error(this._readOnly()));
  }

  save(
    localPath: string,
    options?: Partial<Contents.IModel>
  ): Promise<Contents.IModel> {
    return Promise.reject(new Error(this._readOnly()));
  }

  copy(localPath: string, toLocalDir: string): Promise<Contents.IModel> {
    return Promise.reject(new Error(this._readOnly()));
  }

  createCheckpoint(localPath: string): Promise<Contents.ICheckpointModel> {
    return Promise.reject(new Error(this._readOnly()));
  }

  listCheckpoints(localPath: string): Promise<Contents.ICheckpointModel[]> {
    return Promise.resolve([]);
  }

  restoreCheckpoint(localPath: string, checkpointID: string): Promise<void> {
    return Promise.reject(new Error(this._readOnly()));
  }

  deleteCheckpoint(localPath: string, checkpointID: string): Promise<void> {
    return Promise.reject(new Error(this._readOnly()));
  }

  private _readOnly(): string {
    return this.trans.__(
      "This is a read-only copy of a student's notebook; it cannot be changed or saved."
    );
  }

  private _isDisposed = false;
  private _fileChanged = new Signal<this, Contents.IChangedArgs>(this);
}
