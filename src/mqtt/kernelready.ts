/**
 * Notebooks right after they open (any kernel; a slow one such as JJava makes students press
 * Shift+Enter in these windows), worked around on the Lab side:
 *
 * - Before the notebook has its kernel, JupyterLab's executor loses cell runs. While the
 *   session list is still being fetched ("No Kernel") it starts a kernel of its own, racing
 *   the notebook's own start (one of the two session requests is thrown away, and with it a
 *   cell); while the session is being created ("Initializing") it drops the run without a
 *   word (`CodeCell.execute` returns, the cell stays `[ ]`). `OrderedCellExecutor` (Lab's
 *   cell executor extension point) keeps such runs in one queue per notebook, shows them as
 *   `[*]`, and hands them to Lab's own `runCell` in the order pressed once the kernel is there.
 * - JupyterLab ignores status messages whose parent is a kernel_info_request (the server's
 *   `untracked_message_types`) and takes the kernel's state from the next request instead. For
 *   ipykernel that is Lab's history_request; JJava 1.0a8 (and later, up to 1.0a15) answers a
 *   history_request with nothing at all when it keeps no history, so the status bar shows
 *   "Unknown" until the first run. When a connected kernel's state is still unknown after
 *   its kernel info, we send one `is_complete_request` (no side effect); its busy/idle
 *   messages give Lab the real state.
 */
import type { ISessionContext } from '@jupyterlab/apputils';
import type { ICodeCellModel } from '@jupyterlab/cells';
import type {
  INotebookCellExecutor,
  INotebookTracker,
  NotebookPanel
} from '@jupyterlab/notebook';

/** How long a kept cell waits for its notebook's kernel before Lab gets it as it is. */
export const KERNEL_WAIT_MS = 300_000;

type RunCell = INotebookCellExecutor['runCell'];

/**
 * Lab's cell executor (`runCell`, passed in) with one queue per notebook session for the
 * runs that arrive before the notebook has its kernel.
 */
export class OrderedCellExecutor implements INotebookCellExecutor {
  constructor(
    private _runCell: RunCell,
    private _waitMs = KERNEL_WAIT_MS
  ) {}

  runCell(options: INotebookCellExecutor.IRunCellOptions): Promise<boolean> {
    const context = options.sessionContext;
    if (!context || options.cell.model.type !== 'code') {
      return this._runCell(options);
    }
    const queue = this._queues.get(context);
    if (!queue && !kernelOnItsWay(context)) {
      return this._runCell(options);
    }
    // The next run waits until this one has been handed to Lab (its request is sent then),
    // not until it has finished: the kernel keeps the order, as for any Shift+Enter.
    const before = queue ?? kernelSettled(context, this._waitMs);
    const model = options.cell.model as ICodeCellModel;
    model.executionState = 'running'; // [*]: kept, not lost
    let handedOver!: () => void;
    const turn = new Promise<void>(resolve => (handedOver = resolve));
    this._queues.set(context, turn);
    void turn.then(() => {
      if (this._queues.get(context) === turn) {
        this._queues.delete(context);
      }
    });
    return before.then(() => {
      try {
        if (!options.cell.isDisposed) {
          model.executionState = 'idle';
        }
        return this._runCell(options);
      } finally {
        handedOver();
      }
    });
  }

  private _queues = new WeakMap<ISessionContext, Promise<void>>();
}

/**
 * True while the notebook's kernel is on its way: the session is still being looked up or
 * created (the context has never been ready), or a kernel start is pending ("Initializing").
 * False when there is a kernel, or when there is none and none is coming ("No Kernel" after a
 * shutdown: Lab's own executor then starts one, as it should).
 */
function kernelOnItsWay(context: ISessionContext): boolean {
  if (context.isDisposed || context.session?.kernel) {
    return false;
  }
  return !hasBeenReady(context) || !context.hasNoKernel;
}

/** Contexts whose `ready` has resolved (`isReady` turns false again after a shutdown). */
const beenReady = new WeakSet<ISessionContext>();
const watched = new WeakSet<ISessionContext>();

function hasBeenReady(context: ISessionContext): boolean {
  if (!watched.has(context)) {
    watched.add(context);
    context.ready.then(
      () => beenReady.add(context),
      () => undefined
    );
  }
  return context.isReady || beenReady.has(context);
}

/** Resolves (never rejects) once the kernel is no longer on its way, or after `waitMs`. */
function kernelSettled(
  context: ISessionContext,
  waitMs: number
): Promise<void> {
  return new Promise<void>(resolve => {
    let done = false;
    const check = () => {
      if (!done && !kernelOnItsWay(context)) {
        finish();
      }
    };
    const finish = () => {
      done = true;
      clearTimeout(timer);
      context.kernelChanged.disconnect(check);
      context.sessionChanged.disconnect(check);
      context.statusChanged.disconnect(check);
      context.disposed.disconnect(finish);
      resolve();
    };
    const timer = setTimeout(finish, waitMs);
    context.kernelChanged.connect(check);
    context.sessionChanged.connect(check);
    context.statusChanged.connect(check);
    context.disposed.connect(finish);
    context.ready.then(() => {
      beenReady.add(context);
      check();
    }, finish);
  });
}

/** Ask every notebook's kernel for its real state (see above). */
export function watchNotebookKernels(tracker: INotebookTracker): void {
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
