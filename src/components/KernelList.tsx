import { Dialog, Notification, showDialog } from '@jupyterlab/apputils';
import { TranslationBundle } from '@jupyterlab/translation';
import { Button } from '@jupyterlab/ui-components';
import { Widget } from '@lumino/widgets';
import * as React from 'react';

import { Libs } from './JarApi';
import { ProgressBar } from './ProgressBar';

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
  result: Libs.ITestResult;
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
export function KernelList(props: { trans: TranslationBundle }): JSX.Element {
  const { trans } = props;
  const [kernels, setKernels] = React.useState<Libs.IKernel[] | null>(null);
  const [error, setError] = React.useState<string | null>(null);
  const [results, setResults] = React.useState<{
    [name: string]: Libs.ITestResult;
  }>({});
  const [progress, setProgress] = React.useState<{
    message: string;
    fraction: number | null;
  } | null>(null);

  const refresh = React.useCallback(async () => {
    try {
      setKernels(
        (await Libs.get<{ kernels: Libs.IKernel[] }>('kernels')).kernels
      );
      setError(null);
    } catch (e) {
      setError(Libs.errorMessage(e));
    }
  }, []);
  React.useEffect(() => {
    void refresh();
  }, [refresh]);

  const job = async <T,>(
    endPoint: string,
    body: unknown,
    start: string
  ): Promise<T | null> => {
    setProgress({ message: start, fraction: null });
    try {
      return await Libs.runJob<T>(endPoint, body, (message, fraction) =>
        setProgress({ message, fraction })
      );
    } catch (e) {
      Notification.error(Libs.errorMessage(e), { autoClose: false });
      return null;
    } finally {
      setProgress(null);
    }
  };

  const test = async (name: string): Promise<void> => {
    const r = await job<Libs.ITestResult>(
      `kernels/${encodeURIComponent(name)}/test`,
      {},
      trans.__('Starting %1…', name)
    );
    if (r) {
      setResults(prev => ({ ...prev, [name]: r }));
    }
  };

  const testAll = async (): Promise<void> => {
    const r = await job<{ results: Libs.ITestResult[] }>(
      'kernels/test',
      {},
      trans.__('Testing every kernel…')
    );
    if (r) {
      const next: { [name: string]: Libs.ITestResult } = {};
      r.results.forEach(x => (next[x.name] = x));
      setResults(next);
      const failed = r.results.filter(x => !x.ok).map(x => x.name);
      if (failed.length) {
        Notification.warning(
          trans.__('Kernels failing: %1', failed.join(', '))
        );
      } else {
        Notification.success(trans.__('All kernels work.'));
      }
    }
  };

  const install = async (kind: string): Promise<void> => {
    const change = await job<Libs.IChange>(
      `kernels/${kind}/install`,
      {},
      trans.__('Installing the %1 kernel…', kind)
    );
    if (change) {
      Notification.success(change.message, { autoClose: 5000 });
    }
    void refresh();
  };

  const remove = async (k: Libs.IKernel): Promise<void> => {
    const change = await Libs.confirmRemove(
      trans,
      trans.__('Remove the kernel %1?', k.display_name),
      trans.__(
        'Students can no longer start it. The kernelspec is moved to the trash (%1).',
        k.location
      ),
      `kernels/${encodeURIComponent(k.name)}`
    );
    if (change) {
      Notification.success(change.message, { autoClose: 5000 });
      void refresh();
    }
  };

  const editEnv = async (k: Libs.IKernel): Promise<void> => {
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
      Notification.error(trans.__('Not KEY=VALUE: %1', Libs.errorMessage(e)), {
        autoClose: false
      });
      return;
    }
    try {
      const change = await Libs.send<Libs.IChange>(
        `kernels/${encodeURIComponent(k.name)}/env`,
        'PUT',
        { env }
      );
      Notification.success(
        change.changed
          ? trans.__('%1: saved. Running %1 kernels need a restart.', k.name)
          : change.message,
        { autoClose: 5000 }
      );
    } catch (e) {
      Notification.error(Libs.errorMessage(e), { autoClose: false });
    }
    void refresh();
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
        <Button minimal disabled={busy} onClick={() => void refresh()}>
          {trans.__('Refresh')}
        </Button>
      </div>
      {progress && (
        <ProgressBar message={progress.message} fraction={progress.fraction} />
      )}
    </div>
  );
}
