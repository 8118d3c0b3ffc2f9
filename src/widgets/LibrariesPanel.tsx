import { TranslationBundle } from '@jupyterlab/translation';
import { ReactWidget, UseSignal } from '@jupyterlab/ui-components';
import { Widget } from '@lumino/widgets';
import * as React from 'react';

import { JarsView } from '../components/JarsView';
import { PythonLibsView } from '../components/PythonLibsView';
import { TrashList } from '../components/TrashList';
import { LibrariesModel } from '../models/libraries';

/**
 * The shared libraries section of the Classroom sidebar: Java jars and Python packages
 * every student's kernels see.
 */
export function createLibrariesPanel(
  trans: TranslationBundle,
  model: LibrariesModel
): Widget {
  const widget = ReactWidget.create(
    <div className="jp-classroom-LibrariesPanel">
      <JarsView trans={trans} model={model} />
      <PythonLibsView trans={trans} model={model} />
      <UseSignal signal={model.changed}>
        {() => (
          <TrashList
            trans={trans}
            names={model.pylibs?.trash ?? []}
            restore={name => model.restorePyLib(name)}
            disabled={model.pylibsProgress !== null}
            testId="classroom-pylibs-trash"
          />
        )}
      </UseSignal>
    </div>
  );
  widget.id = 'jp-classroom-libraries';
  widget.addClass('jp-classroom-LibrariesPanel-widget');
  widget.title.label = trans.__('Libraries');
  return widget;
}
