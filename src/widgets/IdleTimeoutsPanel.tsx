import { TranslationBundle } from '@jupyterlab/translation';
import { ReactWidget } from '@jupyterlab/ui-components';
import { Widget } from '@lumino/widgets';
import * as React from 'react';

import { IdleTimeoutsForm } from '../components/IdleTimeoutsForm';
import { IdleTimeoutsModel } from '../models/culling';

/** The "Idle timeouts" section of the Classroom sidebar (issue 14). */
export function createIdleTimeoutsPanel(
  trans: TranslationBundle,
  model: IdleTimeoutsModel
): Widget {
  const widget = ReactWidget.create(
    <IdleTimeoutsForm trans={trans} model={model} />
  );
  widget.id = 'jp-classroom-idle';
  widget.addClass('jp-classroom-IdlePanel');
  widget.title.label = trans.__('Idle timeouts');
  return widget;
}
