import { TranslationBundle } from '@jupyterlab/translation';
import { Button } from '@jupyterlab/ui-components';
import * as React from 'react';

import { Classroom } from '../tokens';

/**
 * The actions a teacher can take on one student (handled by the sidebar's actions).
 */
export type StudentAction =
  | 'reset-password'
  | 'disable'
  | 'enable'
  | 'remove'
  | 'start'
  | 'stop'
  | 'open'
  | 'view-notebooks'
  | 'make-teacher'
  | 'unmake-teacher';

export interface IStudentItemProps {
  student: Classroom.IStudent;
  /** The user of this lab (they can't remove or demote themselves). */
  me: string;
  busy: boolean;
  expanded: boolean;
  /** Whether this Lab can show a student's notebooks read-only. */
  canView: boolean;
  trans: TranslationBundle;
  onToggle: (name: string) => void;
  onAction: (action: StudentAction, student: Classroom.IStudent) => void;
}

/** "5 min ago" style text for a last-activity time stamp. */
function relativeTime(iso: string | null, trans: TranslationBundle): string {
  if (!iso) {
    return trans.__('never');
  }
  const then = Date.parse(iso);
  if (isNaN(then)) {
    return iso;
  }
  const minutes = Math.round((Date.now() - then) / 60000);
  if (minutes < 1) {
    return trans.__('just now');
  }
  if (minutes < 60) {
    return trans._n('%1 minute ago', '%1 minutes ago', minutes);
  }
  const hours = Math.round(minutes / 60);
  if (hours < 24) {
    return trans._n('%1 hour ago', '%1 hours ago', hours);
  }
  const days = Math.round(hours / 24);
  return trans._n('%1 day ago', '%1 days ago', days);
}

/**
 * One line of the class list: name, state badges and, when expanded, the actions.
 */
export function StudentItem(props: IStudentItemProps): JSX.Element {
  const { student: s, trans, busy } = props;
  const self = s.name === props.me;
  const action = (
    name: StudentAction,
    label: string,
    title: string,
    enabled = true
  ) => (
    <Button
      small
      minimal
      className="jp-classroom-StudentItem-action"
      data-action={name}
      title={title}
      disabled={busy || !enabled}
      onClick={event => {
        event.stopPropagation();
        props.onAction(name, s);
      }}
    >
      {label}
    </Button>
  );
  return (
    <li
      className={
        'jp-classroom-StudentItem' +
        (props.expanded ? ' jp-mod-expanded' : '') +
        (s.locked ? ' jp-mod-locked' : '')
      }
      data-testid={`classroom-student-${s.name}`}
      data-name={s.name}
    >
      <div
        className="jp-classroom-StudentItem-header"
        role="button"
        tabIndex={0}
        aria-expanded={props.expanded}
        onClick={() => props.onToggle(s.name)}
        onKeyDown={event => {
          if (event.key === 'Enter' || event.key === ' ') {
            event.preventDefault();
            props.onToggle(s.name);
          }
        }}
      >
        <span
          className={
            'jp-classroom-StudentItem-dot' +
            (s.server_running ? ' jp-mod-running' : '')
          }
          title={
            s.server_running
              ? trans.__('Server running')
              : trans.__('Server stopped')
          }
        />
        <span className="jp-classroom-StudentItem-name">
          <span className="jp-classroom-StudentItem-username">{s.name}</span>
          {s.full_name ? (
            <span className="jp-classroom-StudentItem-fullname">
              {s.full_name}
            </span>
          ) : null}
        </span>
        {s.teacher ? (
          <span className="jp-classroom-badge jp-classroom-badge-teacher">
            {trans.__('teacher')}
          </span>
        ) : null}
        {s.locked ? (
          <span className="jp-classroom-badge jp-classroom-badge-locked">
            {trans.__('disabled')}
          </span>
        ) : null}
        {busy ? <span className="jp-classroom-StudentItem-busy">…</span> : null}
      </div>
      {props.expanded ? (
        <div className="jp-classroom-StudentItem-details">
          <div className="jp-classroom-StudentItem-state">
            {trans.__(
              'Last activity: %1',
              relativeTime(s.last_activity, trans)
            )}
            {!s.system_account ? ' · ' + trans.__('no system account') : ''}
            {!s.hub_user ? ' · ' + trans.__('not a hub user') : ''}
          </div>
          <div className="jp-classroom-StudentItem-actions">
            {s.server_running
              ? action('stop', trans.__('Stop'), trans.__('Stop the server'))
              : action(
                  'start',
                  trans.__('Start'),
                  trans.__('Start the server'),
                  !s.locked && s.hub_user
                )}
            {props.canView
              ? action(
                  'view-notebooks',
                  trans.__('View notebooks'),
                  trans.__(
                    'Open a read-only copy of a notebook from ~/notebooks in your JupyterLab'
                  ),
                  s.system_account
                )
              : null}
            {action(
              'open',
              trans.__('Live server'),
              trans.__(
                "Open the student's running JupyterLab (admin access; see the warning)"
              ),
              s.server_running && !self
            )}
            {action(
              'reset-password',
              trans.__('New password'),
              trans.__('Set a new generated password'),
              s.system_account
            )}
            {s.locked
              ? action(
                  'enable',
                  trans.__('Enable'),
                  trans.__('Allow login again')
                )
              : action(
                  'disable',
                  trans.__('Disable'),
                  trans.__('Lock the login and stop the server'),
                  !self
                )}
            {s.teacher
              ? action(
                  'unmake-teacher',
                  trans.__('Unmake teacher'),
                  trans.__('Take away the hub admin rights'),
                  !self
                )
              : action(
                  'make-teacher',
                  trans.__('Make teacher'),
                  trans.__('Make this user a hub admin')
                )}
            {action(
              'remove',
              trans.__('Remove'),
              trans.__('Archive the home and remove the student'),
              !self
            )}
          </div>
        </div>
      ) : null}
    </li>
  );
}
