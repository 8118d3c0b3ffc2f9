import { Notification } from '@jupyterlab/apputils';
import { TranslationBundle } from '@jupyterlab/translation';
import { Button } from '@jupyterlab/ui-components';
import * as React from 'react';

import { errorMessage } from '../api';
import { LibrariesModel } from '../models/libraries';
import { Classroom } from '../tokens';
import { confirmRemove } from './confirmRemove';
import { ProgressBar } from './ProgressBar';
import { TrashList } from './TrashList';
import { useSignal } from './useSignal';

/** A file size for people. */
export function formatSize(size: number): string {
  if (size >= 1024 * 1024) {
    return `${(size / (1024 * 1024)).toFixed(1)} MB`;
  }
  return `${Math.max(1, Math.round(size / 1024))} KB`;
}

/** Tell the teacher which kernels to restart after a class path change. */
export function notifyChanges(
  trans: TranslationBundle,
  changes: Classroom.IChange[]
): void {
  const restart = Array.from(new Set(changes.flatMap(c => c.restart ?? [])));
  const text = changes.map(c => c.message).join('; ') + '.';
  const suffix = restart.length
    ? ' ' +
      trans.__(
        'Running notebooks with these kernels must restart their kernel: %1',
        restart.join(', ')
      )
    : '';
  const users = Array.from(
    new Set(
      changes.flatMap(c => (c.details?.running ?? []).map(r => r.user ?? '?'))
    )
  );
  const running = users.length
    ? ' ' + trans.__('Kernels running now for: %1', users.join(', '))
    : '';
  Notification.success(text + suffix + running, { autoClose: 8000 });
}

/**
 * The shared jars: list (coordinates, size, SHA-256, kernels), add by Maven coordinates with
 * progress, upload a .jar, remove to the trash, restore.
 */
export function JarsView(props: {
  trans: TranslationBundle;
  model: LibrariesModel;
}): JSX.Element {
  const { trans, model } = props;
  useSignal(model.changed);
  const data = model.jars;
  const error = model.jarsError;
  const progress = model.jarsProgress;
  const [coords, setCoords] = React.useState('');
  const [repository, setRepository] = React.useState('');
  const [withDeps, setWithDeps] = React.useState(false);
  const fileInput = React.useRef<HTMLInputElement>(null);

  const addMaven = async (): Promise<void> => {
    const request: Classroom.IMavenRequest = {
      coords: coords.trim(),
      with_dependencies: withDeps
    };
    if (repository.trim()) {
      request.repository = repository.trim();
    }
    try {
      const changes = await model.addMaven(request, trans.__('Starting…'));
      notifyChanges(trans, changes);
      setCoords('');
    } catch (e) {
      Notification.error(
        trans.__('Could not add %1: %2', coords.trim(), errorMessage(e)),
        { autoClose: false }
      );
    }
  };

  const upload = async (file: File): Promise<void> => {
    try {
      const change = await model.upload(
        file,
        trans.__('Uploading %1…', file.name)
      );
      notifyChanges(trans, [change]);
    } catch (e) {
      Notification.error(
        trans.__('%1 was refused: %2', file.name, errorMessage(e)),
        { autoClose: false }
      );
    } finally {
      if (fileInput.current) {
        fileInput.current.value = '';
      }
    }
  };

  const remove = async (jar: Classroom.IJar): Promise<void> => {
    const confirmed = await confirmRemove(
      trans,
      trans.__('Remove %1?', jar.file),
      trans.__(
        'The jar is moved to the trash and can be restored. Kernels that have it on their class path (%1) lose it at their next restart.',
        jar.kernels.join(', ') || '-'
      )
    );
    if (!confirmed) {
      return;
    }
    try {
      notifyChanges(trans, [await model.removeJar(jar.file)]);
    } catch (e) {
      Notification.error(errorMessage(e));
    }
  };

  const busy = progress !== null;
  return (
    <div className="jp-classroom-Libs" data-testid="classroom-jars">
      <h3 className="jp-classroom-Libs-heading">
        {trans.__('Java libraries')}
      </h3>
      {error && <div className="jp-classroom-error">{error}</div>}
      {data && data.jars.length === 0 && (
        <div className="jp-classroom-Libs-empty">
          {trans.__('No shared jars yet (%1).', data.folder)}
        </div>
      )}
      <ul className="jp-classroom-Libs-list">
        {data?.jars.map(jar => (
          <li
            key={jar.file}
            className="jp-classroom-Libs-item"
            data-testid="classroom-jar"
            data-file={jar.file}
          >
            <div className="jp-classroom-Libs-itemMain">
              <span className="jp-classroom-Libs-name">{jar.file}</span>
              <span className="jp-classroom-Libs-meta">
                {jar.coords ?? trans.__('no Maven coordinates')} ·{' '}
                {formatSize(jar.size)} ·{' '}
                <span title={jar.sha256}>{jar.sha256.slice(0, 12)}</span>
                {' · '}
                {jar.kernels.length
                  ? trans.__('kernels: %1', jar.kernels.join(', '))
                  : trans.__('on no kernel’s class path')}
              </span>
            </div>
            <Button
              small
              minimal
              title={trans.__('Remove %1', jar.file)}
              disabled={busy}
              onClick={() => void remove(jar)}
            >
              {trans.__('Remove')}
            </Button>
          </li>
        ))}
      </ul>
      <TrashList
        trans={trans}
        names={data?.trash ?? []}
        restore={file => model.restoreJar(file)}
        onRestored={change => notifyChanges(trans, [change])}
        testId="classroom-jars-trash"
      />
      <form
        className="jp-classroom-Libs-form"
        onSubmit={e => {
          e.preventDefault();
          void addMaven();
        }}
      >
        <input
          className="jp-mod-styled jp-classroom-Libs-input"
          data-testid="classroom-jar-coords"
          placeholder="org.apache.commons:commons-csv:1.10.0"
          aria-label={trans.__('Maven coordinates (group:artifact:version)')}
          value={coords}
          disabled={busy}
          onChange={e => setCoords(e.target.value)}
        />
        <label className="jp-classroom-Libs-check">
          <input
            type="checkbox"
            checked={withDeps}
            disabled={busy}
            onChange={e => setWithDeps(e.target.checked)}
          />
          {trans.__('with runtime dependencies')}
        </label>
        <input
          className="jp-mod-styled jp-classroom-Libs-input"
          placeholder={trans.__('Repository URL (default: Maven Central)')}
          value={repository}
          disabled={busy}
          onChange={e => setRepository(e.target.value)}
        />
        <div className="jp-classroom-Libs-buttons">
          <Button
            type="submit"
            data-testid="classroom-jar-add"
            disabled={busy || !coords.trim()}
          >
            {trans.__('Add from Maven')}
          </Button>
          <Button
            type="button"
            data-testid="classroom-jar-upload"
            disabled={busy}
            onClick={() => fileInput.current?.click()}
          >
            {trans.__('Upload .jar…')}
          </Button>
          <input
            ref={fileInput}
            type="file"
            accept=".jar"
            style={{ display: 'none' }}
            data-testid="classroom-jar-file"
            onChange={e => {
              const file = e.target.files?.[0];
              if (file) {
                void upload(file);
              }
            }}
          />
        </div>
      </form>
      {progress && (
        <ProgressBar message={progress.message} fraction={progress.fraction} />
      )}
    </div>
  );
}
