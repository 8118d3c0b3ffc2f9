import { TranslationBundle } from '@jupyterlab/translation';
import { Button } from '@jupyterlab/ui-components';
import * as React from 'react';

/**
 * What a section removed (jars, Python packages, kernels): a folded list with a Restore button
 * per entry. Shows nothing while the trash is empty.
 */
export function TrashList(props: {
  trans: TranslationBundle;
  names: ReadonlyArray<string>;
  onRestore: (name: string) => void;
  disabled?: boolean;
  testId?: string;
}): JSX.Element | null {
  const { trans, names, onRestore, disabled, testId } = props;
  if (names.length === 0) {
    return null;
  }
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
              onClick={() => onRestore(name)}
            >
              {trans.__('Restore')}
            </Button>
          </li>
        ))}
      </ul>
    </details>
  );
}
