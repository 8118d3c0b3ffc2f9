import { TranslationBundle } from '@jupyterlab/translation';
import { ReactWidget } from '@jupyterlab/ui-components';
import { Widget } from '@lumino/widgets';
import * as React from 'react';

import { KernelList } from '../components/KernelList';
import { KernelsModel } from '../models/kernels';

/**
 * The kernels section of the Classroom sidebar: the kernelspecs students see, install,
 * remove, edit env, and Test one or all.
 */
export function createKernelsPanel(
  trans: TranslationBundle,
  model: KernelsModel
): Widget {
  const widget = ReactWidget.create(<KernelList trans={trans} model={model} />);
  widget.id = 'jp-classroom-kernels';
  widget.addClass('jp-classroom-KernelsPanel');
  widget.title.label = trans.__('Kernels');
  return widget;
}
