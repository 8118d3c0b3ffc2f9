import { Notification } from '@jupyterlab/apputils';
import { TranslationBundle } from '@jupyterlab/translation';
import { Button } from '@jupyterlab/ui-components';
import * as React from 'react';

import { errorMessage } from '../api';
import { Classroom } from '../tokens';

/**
 * What a section removed (jars, Python packages, kernels): a folded list with a Restore button
 * per entry; shows nothing while the trash is empty. `restore` is the model's call; its
 * change is announced with `onRestored` (default: a notification with its message), a refusal
 * with the server's message.
 */
export function TrashList(props: {
  trans: TranslationBundle;
  names: ReadonlyArray<string>;
  restore: (name: string) => Promise<Classroom.IChange>;
  onRestored?: (change: Classroom.IChange) => void;
  disabled?: boolean;
  testId?: string;
}): JSX.Element | null {
  const { trans, names, restore, onRestored, disabled, testId } = props;
  if (names.length === 0) {
    return null;
  }
  const run = async (name: string): Promise<void> => {
    try {
      const change = await restore(name);
      if (onRestored) {
        onRestored(change);
      } else {
        Notification.success(change.message, { autoClose: 5000 });
      }
    } catch (e) {
      Notification.error(errorMessage(e));
    }
  };
  return (
    <details className="jp-classroom-Libs-trash" data-testid={testId}>
      <summary>{trans.__('Trash (%1)', names.length)}</summary>
      <ul className="jp-classroom-Libs-list">
        {names.map(name => (
          <li key={name} className="jp-classroom-Libs-item" data-name={name}>
            <span className="jp-classroom-Libs-name">{name}</span>
            <Button
              small
              minimal
              disabled={disabled}
              title={trans.__('Restore %1', name)}
              onClick={() => void run(name)}
            >
              {trans.__('Restore')}
            </Button>
          </li>
        ))}
      </ul>
    </details>
  );
}
