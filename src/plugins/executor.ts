import { JupyterFrontEndPlugin } from '@jupyterlab/application';
import { INotebookCellExecutor, runCell } from '@jupyterlab/notebook';

import { OrderedCellExecutor } from '../mqtt/kernelready';

/**
 * The notebook cell executor: Lab's own `runCell`, with the runs pressed before a notebook
 * has its kernel kept and run in order (src/mqtt/kernelready.ts). It replaces
 * `@jupyterlab/notebook-extension:cell-executor` (listed in package.json's
 * `jupyterlab.disabledExtensions`), the extension point Lab provides for this.
 */
export const cellExecutorPlugin: JupyterFrontEndPlugin<INotebookCellExecutor> =
  {
    id: 'jupyterlab-classroom:cell-executor',
    description:
      'Runs the cells pressed before a notebook has its kernel, in order.',
    autoStart: true,
    provides: INotebookCellExecutor,
    activate: (): INotebookCellExecutor => new OrderedCellExecutor(runCell)
  };
