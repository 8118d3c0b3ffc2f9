import { Notification } from '@jupyterlab/apputils';
import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import { errorMessage } from '../api';
import { KernelsModel } from '../models/kernels';
import { TrashList } from './TrashList';
import { useSignal } from './useSignal';

/** The removed kernelspecs, each with Restore. */
export function KernelsTrash(props: {
  trans: TranslationBundle;
  model: KernelsModel;
}): JSX.Element | null {
  const { trans, model } = props;
  useSignal(model.changed);
  const restore = async (name: string): Promise<void> => {
    try {
      const change = await model.restore(name);
      Notification.success(change.message, { autoClose: 5000 });
    } catch (e) {
      Notification.error(errorMessage(e));
    }
  };
  return (
    <div className="jp-classroom-Libs">
      <TrashList
        trans={trans}
        names={model.trash}
        disabled={model.busy}
        onRestore={name => void restore(name)}
        testId="classroom-kernels-trash"
      />
    </div>
  );
}
