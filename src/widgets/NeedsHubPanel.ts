import { TranslationBundle } from '@jupyterlab/translation';
import { ReactWidget } from '@jupyterlab/ui-components';
import { Widget } from '@lumino/widgets';
import { createElement } from 'react';

import { NeedsHub } from '../components/NeedsHub';

/** The only section of the Classroom sidebar outside a JupyterHub: what to do instead. */
export function createNeedsHubPanel(trans: TranslationBundle): Widget {
  const widget = ReactWidget.create(createElement(NeedsHub, { trans }));
  widget.title.label = trans.__('JupyterHub needed');
  return widget;
}
