import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import { Classroom } from '../tokens';

export interface IClassLiveTableProps {
  students: Classroom.ILiveStudent[];
  trans: TranslationBundle;
  /** Stop the student's server (a runaway kernel, a stuck server). */
  onStop: (student: string) => void;
  /** Look at the student's notebooks read-only (the existing viewer). */
  onView: (student: string) => void;
  /** Names whose stop is under way (their button is disabled). */
  busy: ReadonlySet<string>;
}

function ago(iso: string | null, trans: TranslationBundle): string {
  if (!iso) {
    return trans.__('never');
  }
  const seconds = Math.max(0, (Date.now() - Date.parse(iso)) / 1000);
  if (seconds < 90) {
    return trans.__('just now');
  }
  if (seconds < 90 * 60) {
    return trans.__('%1 min ago', Math.round(seconds / 60));
  }
  return new Date(iso).toLocaleString();
}

function memory(mb: number, trans: TranslationBundle): string {
  return mb >= 1000
    ? trans.__('%1 GB', (mb / 1000).toFixed(1))
    : trans.__('%1 MB', Math.round(mb));
}

/**
 * The class at a glance: who is online, server, kernels and their state, memory, last error.
 */
export function ClassLiveTable(props: IClassLiveTableProps): JSX.Element {
  const { students, trans } = props;
  if (students.length === 0) {
    return (
      <p className="jp-classroom-ClassLive-empty">
        {trans.__('No students in this class.')}
      </p>
    );
  }
  return (
    <table
      className="jp-classroom-ClassLive"
      data-testid="classroom-live-table"
    >
      <thead>
        <tr>
          <th>{trans.__('Student')}</th>
          <th>{trans.__('Last activity')}</th>
          <th>{trans.__('Server')}</th>
          <th>{trans.__('Kernels')}</th>
          <th>{trans.__('Memory')}</th>
          <th>{trans.__('Last error')}</th>
          <th>{trans.__('Actions')}</th>
        </tr>
      </thead>
      <tbody>
        {students.map(s => (
          <tr key={s.name} data-student={s.name}>
            <td>
              <span
                className={
                  s.online
                    ? 'jp-classroom-ClassLive-dot jp-mod-online'
                    : 'jp-classroom-ClassLive-dot'
                }
                title={s.online ? trans.__('online') : trans.__('offline')}
              />
              {s.name}
            </td>
            <td>{ago(s.last_activity, trans)}</td>
            <td>
              {s.server_pending
                ? trans.__('starting')
                : s.server_running
                  ? trans.__('running')
                  : trans.__('stopped')}
            </td>
            <td className="jp-classroom-ClassLive-kernels">
              {s.kernels.length === 0
                ? '–'
                : s.kernels.map(k => (
                    <span
                      key={k.id}
                      className={`jp-classroom-ClassLive-kernel jp-mod-${k.state}`}
                      title={trans.__(
                        '%1 MB, %2% CPU',
                        Math.round(k.memory_mb),
                        k.cpu_percent ?? 0
                      )}
                    >
                      {k.language} (
                      {k.state === 'busy' ? trans.__('busy') : trans.__('idle')}
                      )
                    </span>
                  ))}
            </td>
            <td>{s.processes > 0 ? memory(s.memory_mb, trans) : '–'}</td>
            <td className="jp-classroom-ClassLive-error">
              {s.last_error ? (
                <span
                  title={`${s.last_error.notebook}: ${s.last_error.evalue}`}
                >
                  {s.last_error.ename}
                </span>
              ) : (
                '–'
              )}
            </td>
            <td>
              <button
                className="jp-mod-styled"
                onClick={() => props.onView(s.name)}
                title={trans.__('Look at the notebooks (read-only)')}
              >
                {trans.__('View')}
              </button>
              <button
                className="jp-mod-styled jp-mod-warn"
                disabled={!s.server_running || props.busy.has(s.name)}
                onClick={() => props.onStop(s.name)}
              >
                {trans.__('Stop server')}
              </button>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
