import { TranslationBundle } from '@jupyterlab/translation';
import { Button } from '@jupyterlab/ui-components';
import * as React from 'react';

import { requestAPI } from '../request';

/** The idle timeouts as the classroom service stores them (seconds; 0: never). */
export interface IIdleTimeouts {
  kernel_idle_seconds: number;
  server_idle_seconds: number;
}

/** About how many active students with Java this host carries (GET capacity). */
export interface ICapacity {
  students: number;
  memory_mb: number;
  per_student_mb: number;
  classroom_jvm: boolean;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function minutes(seconds: number): string {
  return String(Math.round((seconds / 60) * 100) / 100);
}

/**
 * The "Idle timeouts" form of the Classroom sidebar: after how many idle minutes a student's
 * kernel and a student's whole server are stopped (0: never). Saved work is kept; memory and
 * CPU go back to the class.
 */
export function IdleTimeoutsForm(props: {
  trans: TranslationBundle;
}): JSX.Element {
  const { trans } = props;
  const [kernel, setKernel] = React.useState('');
  const [server, setServer] = React.useState('');
  const [loaded, setLoaded] = React.useState(false);
  const [capacity, setCapacity] = React.useState<ICapacity | null>(null);
  const [busy, setBusy] = React.useState(false);
  const [status, setStatus] = React.useState<{
    kind: 'ok' | 'error';
    text: string;
  } | null>(null);

  const show = (t: IIdleTimeouts) => {
    setKernel(minutes(t.kernel_idle_seconds));
    setServer(minutes(t.server_idle_seconds));
    setLoaded(true);
  };

  React.useEffect(() => {
    requestAPI<IIdleTimeouts>('admin/culling')
      .then(show)
      .catch(e => setStatus({ kind: 'error', text: message(e) }));
    requestAPI<ICapacity>('admin/capacity')
      .then(setCapacity)
      .catch(() => undefined); // an estimate only: the form works without it
  }, []);

  const save = async () => {
    setBusy(true);
    try {
      const result = await requestAPI<{
        changed: boolean;
        timeouts: IIdleTimeouts;
      }>('admin/culling', {
        method: 'PUT',
        body: JSON.stringify({
          kernel_idle_seconds: Math.round(Number(kernel) * 60),
          server_idle_seconds: Math.round(Number(server) * 60)
        })
      });
      show(result.timeouts);
      setStatus({
        kind: 'ok',
        text: result.changed
          ? trans.__(
              'Saved. Servers: from now on; kernels: from each student’s next server start.'
            )
          : trans.__('Nothing to change.')
      });
    } catch (e) {
      setStatus({ kind: 'error', text: message(e) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="jp-classroom-Idle">
      {loaded && (
        <form
          className="jp-classroom-Idle-form"
          onSubmit={e => {
            e.preventDefault();
            void save();
          }}
        >
          <label>
            {trans.__('Stop idle kernels after (minutes)')}
            <input
              className="jp-mod-styled"
              name="kernelIdleMinutes"
              type="number"
              min={0}
              step="any"
              value={kernel}
              title={trans.__('0: never')}
              onChange={e => setKernel(e.target.value)}
            />
          </label>
          <label>
            {trans.__('Stop idle servers after (minutes)')}
            <input
              className="jp-mod-styled"
              name="serverIdleMinutes"
              type="number"
              min={0}
              step="any"
              value={server}
              title={trans.__('0: never')}
              onChange={e => setServer(e.target.value)}
            />
          </label>
          <div className="jp-classroom-Idle-hint">
            {trans.__(
              'Saved notebooks are kept; a stopped server starts again when the student opens it.'
            )}
          </div>
          <div>
            <Button type="submit" disabled={busy}>
              {trans.__('Save')}
            </Button>
          </div>
        </form>
      )}
      {capacity && (
        <div
          className="jp-classroom-Idle-capacity"
          data-testid="classroom-capacity"
        >
          {trans.__(
            'This host can carry about %1 active students with Java (%2 GB memory, about %3 MB per student).',
            String(capacity.students),
            (capacity.memory_mb / 1024).toFixed(1),
            String(capacity.per_student_mb)
          )}
        </div>
      )}
      {!loaded && !status && trans.__('Loading…')}
      {status && (
        <div
          className={`jp-classroom-Idle-status jp-mod-${status.kind}`}
          role="status"
        >
          {status.text}
        </div>
      )}
    </div>
  );
}
