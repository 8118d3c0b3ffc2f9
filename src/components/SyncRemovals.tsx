import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import { Classroom } from '../tokens';

/**
 * After a sync: who moved (from → to), who was removed and where the home's archive is,
 * and what could not be done.
 */
export function SyncRemovals(props: {
  moved: Classroom.ISyncItem[];
  removed: Classroom.ISyncRemoved[];
  failed: string[];
  trans: TranslationBundle;
}): JSX.Element {
  const { trans } = props;
  return (
    <div
      className="jp-classroom-SyncRemovals"
      data-testid="classroom-sync-done"
    >
      {props.moved.length > 0 ? (
        <ul data-testid="classroom-sync-moved">
          {props.moved.map(item => (
            <li key={item.username ?? item.line ?? ''}>
              {trans.__(
                '%1 moved from %2 to %3.',
                item.username ?? '',
                item.class_from.join(', ') || '—',
                item.class_to ?? ''
              )}
            </li>
          ))}
        </ul>
      ) : null}
      {props.removed.length > 0 ? (
        <ul data-testid="classroom-sync-removed">
          {props.removed.map(r => (
            <li key={r.name} data-username={r.name}>
              {r.archive
                ? trans.__(
                    '%1 removed, home archived in %2.',
                    r.name,
                    r.archive
                  )
                : trans.__('%1 removed.', r.name)}
            </li>
          ))}
        </ul>
      ) : null}
      {props.failed.length > 0 ? (
        <ul className="jp-classroom-error" role="alert">
          {props.failed.map(f => (
            <li key={f}>{f}</li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
