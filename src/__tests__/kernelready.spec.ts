import type { ISessionContext } from '@jupyterlab/apputils';
import type { INotebookCellExecutor } from '@jupyterlab/notebook';
import { PromiseDelegate } from '@lumino/coreutils';
import { Signal } from '@lumino/signaling';

import { OrderedCellExecutor } from '../mqtt/kernelready';

/** The parts of a session context the executor reads, with knobs for the test. */
class FakeContext {
  isDisposed = false;
  isReady = false;
  hasNoKernel = true;
  session: { kernel: object | null } | null = null;
  kernelChanged = new Signal<this, unknown>(this);
  sessionChanged = new Signal<this, unknown>(this);
  statusChanged = new Signal<this, unknown>(this);
  disposed = new Signal<this, void>(this);
  private _ready = new PromiseDelegate<void>();
  get ready(): Promise<void> {
    return this._ready.promise;
  }

  /** Lab's _handleNewSession: a session with a kernel, and ready. */
  kernelArrives(): void {
    this.session = { kernel: {} };
    this.hasNoKernel = false;
    this.isReady = true;
    this._ready.resolve();
    this.kernelChanged.emit(null);
  }
}

function setup(waitMs = 60_000) {
  const ran: string[] = [];
  const executor = new OrderedCellExecutor(async options => {
    ran.push((options.cell as any).id);
    return true;
  }, waitMs);
  const context = new FakeContext();
  const run = (id: string) => {
    const cell = {
      id,
      isDisposed: false,
      model: { type: 'code', executionState: 'idle' }
    };
    const result = executor.runCell({
      cell,
      sessionContext: context as unknown as ISessionContext
    } as unknown as INotebookCellExecutor.IRunCellOptions);
    return { cell, result };
  };
  return { ran, context, run };
}

const settle = () => new Promise(resolve => setTimeout(resolve, 0));

describe('OrderedCellExecutor', () => {
  it('hands a run to Lab at once when the notebook has its kernel', () => {
    const { ran, context, run } = setup();
    context.kernelArrives();
    run('a');
    expect(ran).toEqual(['a']); // synchronously: nothing queued
  });

  it('keeps the runs pressed before the kernel is there and runs them in order', async () => {
    const { ran, context, run } = setup();
    const first = run('one'); // "No Kernel": the session list is still being fetched
    context.hasNoKernel = false; // "Initializing": the notebook's own session is coming
    context.statusChanged.emit('starting');
    const later = [run('two'), run('three')];
    await settle();
    expect(ran).toEqual([]);
    expect(first.cell.model.executionState).toBe('running'); // shown as [*]
    context.kernelArrives();
    await expect(first.result).resolves.toBe(true);
    await Promise.all(later.map(l => l.result));
    expect(ran).toEqual(['one', 'two', 'three']);
    // a run pressed once the queue is done goes straight to Lab again
    run('four');
    expect(ran).toEqual(['one', 'two', 'three', 'four']);
  });

  it('does not wait after a shutdown: Lab starts a kernel as it should', async () => {
    const { ran, context, run } = setup();
    context.kernelArrives();
    // Lab's _shutdownSession: no session, not ready any more, "No Kernel"
    context.session = null;
    context.isReady = false;
    context.hasNoKernel = true;
    await run('again').result;
    expect(ran).toEqual(['again']);
  });

  it('gives the run to Lab after the wait when no kernel comes', async () => {
    const { ran, run } = setup(20);
    await run('late').result;
    expect(ran).toEqual(['late']);
  });
});
