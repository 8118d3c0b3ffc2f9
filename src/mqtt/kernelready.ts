/**
 * Java notebooks (JJava) right after they open, worked around on the Lab side:
 *
 * - A cell run while the notebook's session is still being created (status "Initializing")
 *   is dropped by JupyterLab without a word: `CodeCell.execute` returns when the session has
 *   no kernel yet, and the cell stays `[ ]`. Any kernel is affected; a slow one (JJava) makes
 *   students press Shift+Enter in that window. We keep such cells and run them, in order, as
 *   soon as the kernel is there; meanwhile they show `[*]`.
 * - JupyterLab ignores status messages whose parent is a kernel_info_request (the server's
 *   `untracked_message_types`) and takes the kernel's state from the next request instead. For
 *   ipykernel that is Lab's history_request; JJava 1.0a8 (and later, up to 1.0a15) answers a
 *   history_request with nothing at all when it keeps no history, so the status bar shows
 *   "Unknown" until the first run. When a connected kernel's state is still unknown after
 *   its kernel info, we send one `is_complete_request` (no side effect); its busy/idle
 *   messages give Lab the real state.
 */
import { ISessionContext } from '@jupyterlab/apputils';
import type { ICodeCellModel } from '@jupyterlab/cells';
import {
  INotebookTracker,
  Notebook,
  NotebookActions,
  NotebookPanel
} from '@jupyterlab/notebook';

type Cell = Notebook['widgets'][number];

/** How long a kept cell waits for its notebook's kernel. */
const KERNEL_WAIT_MS = 300_000;

/** Install both workarounds for every notebook of `tracker`. */
export function watchNotebookKernels(tracker: INotebookTracker): void {
  const early = new EarlyRuns(tracker);
  NotebookActions.executionScheduled.connect((_, args) =>
    early.scheduled(args.notebook, args.cell)
  );
  const askStatus = (panel: NotebookPanel) => {
    const context = panel.sessionContext;
    const check = () => void reportStatus(context);
    context.connectionStatusChanged.connect(check);
    context.statusChanged.connect(check);
    context.kernelChanged.connect(check);
    check();
  };
  tracker.forEach(askStatus);
  tracker.widgetAdded.connect((_, panel) => askStatus(panel));
}

/** The kernel info (one per kernel start, restarts included) we asked a status for. */
const asked = new WeakSet<Promise<unknown>>();

async function reportStatus(context: ISessionContext): Promise<void> {
  const kernel = context.session?.kernel;
  if (
    !kernel ||
    asked.has(kernel.info) ||
    kernel.connectionStatus !== 'connected' ||
    (kernel.status !== 'unknown' && kernel.status !== 'starting')
  ) {
    return;
  }
  asked.add(kernel.info);
  try {
    await kernel.info;
    if (
      !kernel.isDisposed &&
      kernel.connectionStatus === 'connected' &&
      (kernel.status === 'unknown' || kernel.status === 'starting')
    ) {
      await kernel.requestIsComplete({ code: '' });
    }
  } catch (reason) {
    console.debug('Classroom: kernel status request failed', reason);
  }
}

/** Cells run before their notebook had a kernel: run them once it has one. */
class EarlyRuns {
  constructor(private _tracker: INotebookTracker) {}

  scheduled(notebook: Notebook, cell: Cell): void {
    const panel = this._tracker.find(p => p.content === notebook);
    if (!panel || cell.model.type !== 'code') {
      return;
    }
    const context = panel.sessionContext;
    // Lab's CodeCell.execute drops the run in exactly this case (it is called right after
    // this signal, synchronously); an empty cell is not run at all.
    if (context.session?.kernel || !cell.model.sharedModel.getSource().trim()) {
      return;
    }
    const queue = this._waiting.get(panel);
    if (queue) {
      queue.push(cell);
    } else {
      this._waiting.set(panel, [cell]);
      void this._runWhenReady(panel);
    }
    // after Lab has cleared the cell: show that it is waiting
    void Promise.resolve().then(() => {
      if (!cell.isDisposed && this._waiting.get(panel)?.includes(cell)) {
        (cell.model as ICodeCellModel).executionState = 'running';
      }
    });
  }

  private async _runWhenReady(panel: NotebookPanel): Promise<void> {
    const context = panel.sessionContext;
    const ready = await kernelOf(context);
    const cells = (this._waiting.get(panel) ?? []).filter(c => !c.isDisposed);
    this._waiting.delete(panel);
    for (const cell of cells) {
      (cell.model as ICodeCellModel).executionState = 'idle';
    }
    if (!ready || cells.length === 0 || panel.isDisposed) {
      return;
    }
    try {
      // Lab's own executor, as Run All does (stops after a failing cell)
      await NotebookActions.runCells(panel.content, cells, context);
    } catch (reason) {
      console.warn('Classroom: running the kept cells failed', reason);
    }
  }

  private _waiting = new Map<NotebookPanel, Cell[]>();
}

/** Wait until the session context has a kernel (false after KERNEL_WAIT_MS or disposal). */
async function kernelOf(context: ISessionContext): Promise<boolean> {
  try {
    await context.ready;
  } catch {
    return false;
  }
  if (context.session?.kernel) {
    return true;
  }
  return new Promise<boolean>(resolve => {
    const done = (ok: boolean) => {
      clearTimeout(timer);
      context.kernelChanged.disconnect(changed);
      context.disposed.disconnect(gone);
      resolve(ok);
    };
    const changed = () => {
      if (context.session?.kernel) {
        done(true);
      }
    };
    const gone = () => done(false);
    const timer = setTimeout(() => done(false), KERNEL_WAIT_MS);
    context.kernelChanged.connect(changed);
    context.disposed.connect(gone);
  });
}
