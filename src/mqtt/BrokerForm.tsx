import { TranslationBundle } from '@jupyterlab/translation';
import { Button } from '@jupyterlab/ui-components';
import * as React from 'react';

import { errorMessage } from '../api';
import { useSignal } from '../components/useSignal';
import { BrokerModel } from '../models/broker';
import { Classroom } from '../tokens';

export interface IBrokerFormProps {
  trans: TranslationBundle;
  model: BrokerModel;
  /** Add the active cell of the current notebook as a class snippet. */
  onAddSnippet: () => void;
  /** Save the current notebook as a class template. */
  onAddTemplate: () => void;
}

/**
 * The class broker form of the Classroom sidebar: set the values every student gets, test the
 * broker before class, and add class snippets and templates.
 */
export function BrokerForm(props: IBrokerFormProps): JSX.Element {
  const { trans, model } = props;
  useSignal(model.changed);
  const [values, setValues] = React.useState<Classroom.IClassBroker | null>(
    null
  );
  const [status, setStatus] = React.useState<{
    kind: 'ok' | 'error' | 'info';
    text: string;
  } | null>(null);
  const [busy, setBusy] = React.useState(false);

  // The form starts from the stored settings once they are loaded.
  const stored = model.settings;
  React.useEffect(() => {
    if (stored && values === null) {
      setValues(stored);
    }
  }, [stored, values]);
  React.useEffect(() => {
    if (model.error && !stored) {
      setStatus({ kind: 'error', text: model.error });
    }
  }, [model.error, stored]);

  if (!values) {
    return (
      <div className="jp-classroom-Broker">
        {status ? (
          <div className="jp-classroom-Broker-status jp-mod-error">
            {status.text}
          </div>
        ) : (
          trans.__('Loading…')
        )}
      </div>
    );
  }

  const set = (patch: Partial<Classroom.IClassBroker>) =>
    setValues({ ...values, ...patch });

  const save = async () => {
    setBusy(true);
    try {
      const result = await model.save(values);
      setValues(result.settings);
      setStatus({
        kind: 'ok',
        text: result.changed
          ? trans.__(
              'Saved. Students get the new broker the next time they load JupyterLab.'
            )
          : trans.__('Nothing to change.')
      });
    } catch (e) {
      setStatus({ kind: 'error', text: errorMessage(e) });
    } finally {
      setBusy(false);
    }
  };

  const test = async () => {
    setBusy(true);
    setStatus({ kind: 'info', text: trans.__('Testing the broker…') });
    try {
      const result = await model.test(values);
      setStatus(
        result.ok
          ? {
              kind: 'ok',
              text: trans.__(
                'The broker works: connected in %1 ms, a message on %2 came back in %3 ms.',
                String(result.connect_ms),
                result.topic,
                String(result.roundtrip_ms)
              )
            }
          : {
              kind: 'error',
              text: trans.__('The broker test failed: %1', result.message)
            }
      );
    } catch (e) {
      setStatus({ kind: 'error', text: errorMessage(e) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="jp-classroom-Broker">
      <form
        className="jp-classroom-Broker-form"
        onSubmit={e => {
          e.preventDefault();
          void save();
        }}
      >
        <label>
          {trans.__('Host')}
          <input
            className="jp-mod-styled"
            name="host"
            value={values.host}
            onChange={e => set({ host: e.target.value })}
          />
        </label>
        <label>
          {trans.__('Port')}
          <input
            className="jp-mod-styled"
            name="port"
            type="number"
            min={1}
            max={65535}
            value={values.port}
            onChange={e => set({ port: Number(e.target.value) })}
          />
        </label>
        <label className="jp-classroom-Broker-check">
          <input
            name="tls"
            type="checkbox"
            checked={values.tls}
            onChange={e => set({ tls: e.target.checked })}
          />
          {trans.__('TLS')}
        </label>
        <label>
          {trans.__('Topic prefix')}
          <input
            className="jp-mod-styled"
            name="topicPrefix"
            value={values.topicPrefix}
            title={trans.__("{username} becomes each student's name")}
            onChange={e => set({ topicPrefix: e.target.value })}
          />
        </label>
        <label>
          {trans.__('Username (optional)')}
          <input
            className="jp-mod-styled"
            name="username"
            autoComplete="off"
            value={values.username}
            onChange={e => set({ username: e.target.value })}
          />
        </label>
        <label>
          {trans.__('Password (optional)')}
          <input
            className="jp-mod-styled"
            name="password"
            type="password"
            autoComplete="new-password"
            placeholder={values.hasPassword ? trans.__('(unchanged)') : ''}
            value={values.password}
            onChange={e => set({ password: e.target.value })}
          />
        </label>
        <div className="jp-classroom-Broker-buttons">
          <Button
            type="submit"
            disabled={busy}
            title={trans.__('Save for the whole class')}
          >
            {trans.__('Save')}
          </Button>
          <Button
            type="button"
            disabled={busy}
            onClick={() => void test()}
            title={trans.__('Connect, publish and receive a message')}
          >
            {trans.__('Test')}
          </Button>
        </div>
      </form>
      {status && (
        <div
          className={`jp-classroom-Broker-status jp-mod-${status.kind}`}
          role="status"
        >
          {status.text}
        </div>
      )}
      <div className="jp-classroom-Broker-buttons">
        <Button type="button" onClick={props.onAddSnippet}>
          {trans.__('Add Cell as Class Snippet…')}
        </Button>
        <Button type="button" onClick={props.onAddTemplate}>
          {trans.__('Save Notebook as Class Template…')}
        </Button>
      </div>
    </div>
  );
}
