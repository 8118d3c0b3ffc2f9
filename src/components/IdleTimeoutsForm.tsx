import { TranslationBundle } from '@jupyterlab/translation';
import { Button } from '@jupyterlab/ui-components';
import * as React from 'react';

import { errorMessage } from '../api';
import { IdleTimeoutsModel } from '../models/culling';
import { useSignal } from './useSignal';

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
  model: IdleTimeoutsModel;
}): JSX.Element {
  const { trans, model } = props;
  useSignal(model.changed);
  const timeouts = model.timeouts;
  const capacity = model.capacity;
  const loaded = timeouts !== null;
  const [kernel, setKernel] = React.useState('');
  const [server, setServer] = React.useState('');
  const [busy, setBusy] = React.useState(false);
  const [status, setStatus] = React.useState<{
    kind: 'ok' | 'error';
    text: string;
  } | null>(null);

  // Show the stored values whenever the model has new ones (loaded, saved).
  React.useEffect(() => {
    if (timeouts) {
      setKernel(minutes(timeouts.kernel_idle_seconds));
      setServer(minutes(timeouts.server_idle_seconds));
    }
  }, [timeouts]);
  React.useEffect(() => {
    if (model.error && !loaded) {
      setStatus({ kind: 'error', text: model.error });
    }
  }, [model.error, loaded]);

  const save = async () => {
    setBusy(true);
    try {
      const result = await model.save({
        kernel_idle_seconds: Math.round(Number(kernel) * 60),
        server_idle_seconds: Math.round(Number(server) * 60)
      });
      setStatus({
        kind: 'ok',
        text: result.changed
          ? trans.__(
              'Saved. Servers: from now on; kernels: from each student’s next server start.'
            )
          : trans.__('Nothing to change.')
      });
    } catch (e) {
      setStatus({ kind: 'error', text: errorMessage(e) });
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
