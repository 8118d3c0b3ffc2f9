import { Notification } from '@jupyterlab/apputils';
import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import { errorMessage } from '../api';
import { LibrariesModel } from '../models/libraries';
import { TrashList } from './TrashList';
import { useSignal } from './useSignal';

/** The removed shared Python packages, each with Restore. */
export function PyLibsTrash(props: {
  trans: TranslationBundle;
  model: LibrariesModel;
}): JSX.Element | null {
  const { trans, model } = props;
  useSignal(model.changed);
  const restore = async (name: string): Promise<void> => {
    try {
      const change = await model.restorePyLib(name);
      Notification.success(change.message, { autoClose: 5000 });
    } catch (e) {
      Notification.error(errorMessage(e));
    }
  };
  return (
    <TrashList
      trans={trans}
      names={model.pylibs?.trash ?? []}
      disabled={model.pylibsProgress !== null}
      onRestore={name => void restore(name)}
      testId="classroom-pylibs-trash"
    />
  );
}
