import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import { Classroom } from '../tokens';

export interface ISyncPlanProps {
  plan: Classroom.ISyncPlan;
  /** The students no longer listed that the teacher ticked for removal. */
  leavers: string[];
  trans: TranslationBundle;
  disabled?: boolean;
  onLeaver: (username: string, on: boolean) => void;
}

/** The order of the groups: what changes first, the unchanged students last. */
const ORDER: Classroom.SyncStatus[] = [
  'moved',
  'gone',
  'new',
  'ambiguous',
  'refused',
  'unchanged'
];

/** The one-line count of a sync plan: new, unchanged, moved, no longer listed (and problems). */
export function syncSummary(
  summary: { [status: string]: number },
  trans: TranslationBundle
): string {
  const n = (status: string) => summary[status] ?? 0;
  let text = trans.__(
    '%1 new, %2 unchanged, %3 moved to another class, %4 no longer listed.',
    n('new'),
    n('unchanged'),
    n('moved'),
    n('gone')
  );
  if (n('ambiguous') + n('refused') > 0) {
    text +=
      ' ' +
      trans.__(
        '%1 ambiguous and %2 refused rows are left out.',
        n('ambiguous'),
        n('refused')
      );
  }
  return text;
}

/**
 * A re-import's sync plan, grouped per student: moved (from → to), no longer listed (each
 * with "archive home and remove", unticked), new, ambiguous and refused rows (with the
 * reason), unchanged.
 */
export function SyncPlan(props: ISyncPlanProps): JSX.Element {
  const { plan, trans } = props;
  const label: { [status: string]: string } = {
    moved: trans.__('Moved to another class'),
    gone: trans.__('No longer listed'),
    new: trans.__('New'),
    ambiguous: trans.__('Ambiguous (nothing happens)'),
    refused: trans.__('Refused (nothing happens)'),
    unchanged: trans.__('Unchanged')
  };
  const ticked = new Set(props.leavers);
  return (
    <table
      className="jp-classroom-table jp-classroom-SyncPlan"
      data-testid="classroom-sync-plan"
    >
      <thead>
        <tr>
          <th>{trans.__('Name')}</th>
          <th>{trans.__('Username')}</th>
          <th>{trans.__('Class')}</th>
          <th>{trans.__('What happens')}</th>
        </tr>
      </thead>
      {ORDER.map(status => {
        const items = plan.items.filter(i => i.status === status);
        if (items.length === 0) {
          return null;
        }
        return (
          <tbody key={status} data-testid={`classroom-sync-group-${status}`}>
            <tr className="jp-classroom-SyncPlan-group">
              <th colSpan={4}>
                {label[status]} ({items.length})
              </th>
            </tr>
            {items.map((item, index) => (
              <tr
                key={`${status}-${item.username ?? ''}-${item.line ?? index}`}
                className={`jp-classroom-SyncPlan-row jp-mod-${status}`}
                data-testid="classroom-sync-row"
                data-status={status}
                data-username={item.username ?? ''}
              >
                <td>{item.full_name ?? ''}</td>
                <td>{item.username ? <code>{item.username}</code> : null}</td>
                <td className="jp-classroom-SyncPlan-class">
                  {status === 'moved' && item.class_from.length > 0
                    ? `${item.class_from.join(', ')} → ${item.class_to}`
                    : status === 'gone'
                      ? item.class_from.join(', ')
                      : (item.class_to ?? '')}
                </td>
                <td>
                  {status === 'gone' && item.username ? (
                    <label className="jp-classroom-SyncPlan-remove">
                      <input
                        type="checkbox"
                        data-testid={`classroom-sync-remove-${item.username}`}
                        checked={ticked.has(item.username)}
                        disabled={props.disabled}
                        onChange={event =>
                          props.onLeaver(
                            item.username as string,
                            event.target.checked
                          )
                        }
                      />{' '}
                      {trans.__('archive home and remove')}
                    </label>
                  ) : (
                    <span className="jp-classroom-SyncPlan-what">
                      {status === 'moved'
                        ? item.class_from.length > 0
                          ? trans.__(
                              'moves from %1 to %2',
                              item.class_from.join(', '),
                              item.class_to ?? ''
                            )
                          : trans.__('joins %1', item.class_to ?? '')
                        : status === 'new'
                          ? trans.__('account created')
                          : status === 'unchanged'
                            ? trans.__('stays')
                            : item.reason}
                    </span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        );
      })}
    </table>
  );
}
