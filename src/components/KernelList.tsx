import { Dialog, Notification, showDialog } from '@jupyterlab/apputils';
import { TranslationBundle } from '@jupyterlab/translation';
import { Button } from '@jupyterlab/ui-components';
import { Widget } from '@lumino/widgets';
import * as React from 'react';

import { errorMessage } from '../api';
import { KernelsModel } from '../models/kernels';
import { Classroom } from '../tokens';
import { confirmRemove } from './confirmRemove';
import { ProgressBar } from './ProgressBar';
import { useSignal } from './useSignal';

/** A dialog body for editing a kernelspec's env as KEY=VALUE lines. */
class EnvEditor extends Widget implements Dialog.IBodyWidget<string> {
  constructor(env: { [key: string]: string }, hint: string) {
    super();
    this.addClass('jp-classroom-EnvEditor');
    const p = document.createElement('p');
    p.textContent = hint;
    this._area = document.createElement('textarea');
    this._area.className = 'jp-mod-styled';
    this._area.rows = 8;
    this._area.cols = 60;
    this._area.value = Object.entries(env)
      .map(([k, v]) => `${k}=${v}`)
      .join('\n');
    this.node.append(p, this._area);
  }
  getValue(): string {
    return this._area.value;
  }
  private _area: HTMLTextAreaElement;
}

/** KEY=VALUE lines as an object; throws on a line without '='. */
function parseEnv(text: string): { [key: string]: string } {
  const env: { [key: string]: string } = {};
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line) {
      continue;
    }
    const eq = line.indexOf('=');
    if (eq <= 0) {
      throw new Error(line);
    }
    env[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  }
  return env;
}

function TestResult(props: {
  trans: TranslationBundle;
  result: Classroom.IKernelTest;
}): JSX.Element {
  const { trans, result } = props;
  return (
    <div
      className={
        'jp-classroom-KernelTest ' + (result.ok ? 'jp-mod-ok' : 'jp-mod-failed')
      }
      data-testid="classroom-kernel-test"
      data-ok={result.ok ? 'true' : 'false'}
    >
      <strong>{result.ok ? trans.__('Works') : trans.__('Failed')}</strong>{' '}
      {result.seconds_to_ready !== null
        ? trans.__('ready in %1 s', result.seconds_to_ready.toFixed(1))
        : trans.__('did not start')}
      {result.output && <pre>{result.output}</pre>}
      {result.error && <pre className="jp-classroom-error">{result.error}</pre>}
    </div>
  );
}

/**
 * The kernels students see: env and class path, install, remove, edit env, and Test (one or
 * all) with time-to-ready and the smoke cell's output.
 */
export function KernelList(props: {
  trans: TranslationBundle;
  model: KernelsModel;
}): JSX.Element {
  const { trans, model } = props;
  useSignal(model.changed);
  const kernels = model.kernels;
  const error = model.error;
  const results = model.results;
  const progress = model.progress;

  /** Run a job of the model; its failure is shown, not thrown (null then). */
  const job = async <T,>(run: () => Promise<T>): Promise<T | null> => {
    try {
      return await run();
    } catch (e) {
      Notification.error(errorMessage(e), { autoClose: false });
      return null;
    }
  };

  const test = async (name: string): Promise<void> => {
    await job(() => model.test(name, trans.__('Starting %1…', name)));
  };

  const testAll = async (): Promise<void> => {
    const r = await job(() => model.testAll(trans.__('Testing every kernel…')));
    if (r) {
      const failed = r.filter(x => !x.ok).map(x => x.name);
      if (failed.length) {
        Notification.warning(
          trans.__('Kernels failing: %1', failed.join(', '))
        );
      } else {
        Notification.success(trans.__('All kernels work.'));
      }
    }
  };

  const install = async (kind: Classroom.KernelKind): Promise<void> => {
    const change = await job(() =>
      model.install(kind, trans.__('Installing the %1 kernel…', kind))
    );
    if (change) {
      Notification.success(change.message, { autoClose: 5000 });
    }
  };

  const remove = async (k: Classroom.IKernel): Promise<void> => {
    const confirmed = await confirmRemove(
      trans,
      trans.__('Remove the kernel %1?', k.display_name),
      trans.__(
        'Students can no longer start it. The kernelspec is moved to the trash (%1).',
        k.location
      )
    );
    if (!confirmed) {
      return;
    }
    try {
      const change = await model.remove(k.name);
      Notification.success(change.message, { autoClose: 5000 });
    } catch (e) {
      Notification.error(errorMessage(e));
    }
  };

  const editEnv = async (k: Classroom.IKernel): Promise<void> => {
    const answer = await showDialog({
      title: trans.__('Environment of %1', k.display_name),
      body: new EnvEditor(
        k.env,
        trans.__(
          'One KEY=VALUE per line. Java kernels read their class path from JJAVA_CLASSPATH (or IJAVA_CLASSPATH), e.g. /opt/jupyterhub-libs/java/*'
        )
      ),
      buttons: [
        Dialog.cancelButton({ label: trans.__('Cancel') }),
        Dialog.okButton({ label: trans.__('Save') })
      ]
    });
    if (!answer.button.accept || answer.value === null) {
      return;
    }
    let env: { [key: string]: string };
    try {
      env = parseEnv(answer.value);
    } catch (e) {
      Notification.error(trans.__('Not KEY=VALUE: %1', errorMessage(e)), {
        autoClose: false
      });
      return;
    }
    try {
      const change = await model.setEnv(k.name, env);
      Notification.success(
        change.changed
          ? trans.__('%1: saved. Running %1 kernels need a restart.', k.name)
          : change.message,
        { autoClose: 5000 }
      );
    } catch (e) {
      Notification.error(errorMessage(e), { autoClose: false });
    }
  };

  const busy = progress !== null;
  return (
    <div className="jp-classroom-Libs" data-testid="classroom-kernels">
      {error && <div className="jp-classroom-error">{error}</div>}
      <ul className="jp-classroom-Libs-list">
        {kernels?.map(k => (
          <li
            key={k.location}
            className={
              'jp-classroom-Libs-item jp-classroom-Kernel' +
              (k.shadowed ? ' jp-mod-shadowed' : '')
            }
            data-testid="classroom-kernel"
            data-name={k.name}
          >
            <div className="jp-classroom-Libs-itemMain">
              <span className="jp-classroom-Libs-name">
                {k.display_name}{' '}
                <span className="jp-classroom-Libs-meta">
                  ({k.name}, {k.language})
                </span>
              </span>
              <span className="jp-classroom-Libs-meta" title={k.location}>
                {k.shadowed
                  ? trans.__(
                      'hidden by another kernel of that name: %1',
                      k.location
                    )
                  : k.location}
              </span>
              {Object.entries(k.env).map(([key, value]) => (
                <code key={key} className="jp-classroom-Libs-env">
                  {key}={value}
                </code>
              ))}
              {results[k.name] && !k.shadowed && (
                <TestResult trans={trans} result={results[k.name]} />
              )}
            </div>
            {!k.shadowed && (
              <div className="jp-classroom-Libs-buttons">
                <Button
                  small
                  minimal
                  disabled={busy}
                  data-testid="classroom-kernel-test-button"
                  onClick={() => void test(k.name)}
                >
                  {trans.__('Test')}
                </Button>
                <Button
                  small
                  minimal
                  disabled={busy}
                  onClick={() => void editEnv(k)}
                >
                  {trans.__('Env…')}
                </Button>
                <Button
                  small
                  minimal
                  disabled={busy}
                  onClick={() => void remove(k)}
                >
                  {trans.__('Remove')}
                </Button>
              </div>
            )}
          </li>
        ))}
      </ul>
      <div className="jp-classroom-Libs-buttons">
        <Button disabled={busy} onClick={() => void testAll()}>
          {trans.__('Test all')}
        </Button>
        <Button disabled={busy} onClick={() => void install('python')}>
          {trans.__('Install Python')}
        </Button>
        <Button disabled={busy} onClick={() => void install('java')}>
          {trans.__('Install Java (JJava)')}
        </Button>
        <Button disabled={busy} onClick={() => void install('r')}>
          {trans.__('Install R')}
        </Button>
        <Button minimal disabled={busy} onClick={() => void model.refresh()}>
          {trans.__('Refresh')}
        </Button>
      </div>
      {progress && (
        <ProgressBar message={progress.message} fraction={progress.fraction} />
      )}
    </div>
  );
}
