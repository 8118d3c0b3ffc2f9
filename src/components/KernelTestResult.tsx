import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import { Classroom } from '../tokens';

/** The outcome of a kernel's Test: works or failed, time to ready, the smoke cell's output. */
export function KernelTestResult(props: {
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
