import { TranslationBundle } from '@jupyterlab/translation';
import { ReactWidget, UseSignal } from '@jupyterlab/ui-components';
import { Widget } from '@lumino/widgets';
import * as React from 'react';

import { KernelList } from '../components/KernelList';
import { TrashList } from '../components/TrashList';
import { KernelsModel } from '../models/kernels';

/**
 * The kernels section of the Classroom sidebar: the kernelspecs students see, install,
 * remove, edit env, and Test one or all.
 */
export function createKernelsPanel(
  trans: TranslationBundle,
  model: KernelsModel
): Widget {
  const widget = ReactWidget.create(
    <>
      <KernelList trans={trans} model={model} />
      <UseSignal signal={model.changed}>
        {() => (
          <div className="jp-classroom-Libs">
            <TrashList
              trans={trans}
              names={model.trash}
              restore={name => model.restore(name)}
              disabled={model.busy}
              testId="classroom-kernels-trash"
            />
          </div>
        )}
      </UseSignal>
    </>
  );
  widget.id = 'jp-classroom-kernels';
  widget.addClass('jp-classroom-KernelsPanel');
  widget.title.label = trans.__('Kernels');
  return widget;
}
