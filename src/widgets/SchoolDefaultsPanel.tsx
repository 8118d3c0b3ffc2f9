import { TranslationBundle } from '@jupyterlab/translation';
import { ReactWidget, UseSignal } from '@jupyterlab/ui-components';
import { Widget } from '@lumino/widgets';
import * as React from 'react';

import { SchoolDefaultsForm } from '../components/SchoolDefaultsForm';
import { SchoolDefaultsModel } from '../models/school';

/** The "School defaults" section of the Classroom sidebar (issue 11). */
export function createSchoolDefaultsPanel(
  trans: TranslationBundle,
  model: SchoolDefaultsModel
): Widget {
  const widget = ReactWidget.create(
    <UseSignal signal={model.changed}>
      {() => <SchoolDefaultsForm trans={trans} model={model} />}
    </UseSignal>
  );
  widget.id = 'jp-classroom-school';
  widget.addClass('jp-classroom-SchoolPanel');
  widget.title.label = trans.__('School defaults');
  return widget;
}
