import { Notification } from '@jupyterlab/apputils';
import { TranslationBundle } from '@jupyterlab/translation';
import { Button, ReactWidget, UseSignal } from '@jupyterlab/ui-components';
import { Widget } from '@lumino/widgets';
import * as React from 'react';

import { errorMessage } from '../api';
import { confirmRemove } from '../components/confirmRemove';
import { JarsView } from '../components/JarsView';
import { ProgressBar } from '../components/ProgressBar';
import { TrashList } from '../components/TrashList';
import { useSignal } from '../components/useSignal';
import { LibrariesModel } from '../models/libraries';
import { Classroom } from '../tokens';

/**
 * Python packages for everyone (pip install --target the shared folder).
 */
function PythonLibsView(props: {
  trans: TranslationBundle;
  model: LibrariesModel;
}): JSX.Element {
  const { trans, model } = props;
  useSignal(model.changed);
  const items = model.pylibs?.packages ?? null;
  const folder = model.pylibs?.folder ?? '';
  const error = model.pylibsError;
  const progress = model.pylibsProgress;
  const [requirement, setRequirement] = React.useState('');

  const install = async (): Promise<void> => {
    const req = requirement.trim();
    try {
      const change = await model.installPyLib(req, trans.__('Starting…'));
      Notification.success(change.message, { autoClose: 5000 });
      setRequirement('');
    } catch (e) {
      Notification.error(
        trans.__('Could not install %1: %2', req, errorMessage(e)),
        { autoClose: false }
      );
    }
  };

  const remove = async (lib: Classroom.IPyLib): Promise<void> => {
    const confirmed = await confirmRemove(
      trans,
      trans.__('Remove %1 %2?', lib.name, lib.version),
      trans.__('Notebooks that import it fail after their next kernel restart.')
    );
    if (!confirmed) {
      return;
    }
    try {
      const change = await model.removePyLib(lib.name);
      Notification.success(change.message, { autoClose: 5000 });
    } catch (e) {
      Notification.error(errorMessage(e));
    }
  };

  const busy = progress !== null;
  return (
    <div className="jp-classroom-Libs" data-testid="classroom-pylibs">
      <h3 className="jp-classroom-Libs-heading">
        {trans.__('Python libraries')}
      </h3>
      {error && <div className="jp-classroom-error">{error}</div>}
      {items && items.length === 0 && (
        <div className="jp-classroom-Libs-empty">
          {trans.__('No shared Python packages yet (%1).', folder)}
        </div>
      )}
      <ul className="jp-classroom-Libs-list">
        {items?.map(lib => (
          <li
            key={lib.name}
            className="jp-classroom-Libs-item"
            data-testid="classroom-pylib"
          >
            <span className="jp-classroom-Libs-name">
              {lib.name}=={lib.version}
            </span>
            <Button
              small
              minimal
              disabled={busy}
              title={trans.__('Remove %1', lib.name)}
              onClick={() => void remove(lib)}
            >
              {trans.__('Remove')}
            </Button>
          </li>
        ))}
      </ul>
      <form
        className="jp-classroom-Libs-form"
        onSubmit={e => {
          e.preventDefault();
          void install();
        }}
      >
        <input
          className="jp-mod-styled jp-classroom-Libs-input"
          placeholder="paho-mqtt==2.1.0"
          aria-label={trans.__('Package (NAME or NAME==VERSION)')}
          value={requirement}
          disabled={busy}
          onChange={e => setRequirement(e.target.value)}
        />
        <div className="jp-classroom-Libs-buttons">
          <Button type="submit" disabled={busy || !requirement.trim()}>
            {trans.__('Install')}
          </Button>
        </div>
      </form>
      {progress && (
        <ProgressBar message={progress.message} fraction={progress.fraction} />
      )}
    </div>
  );
}

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
