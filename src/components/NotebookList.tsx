import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import { Classroom } from '../tokens';

export interface INotebookListProps {
  listing: Classroom.INotebookListing;
  selected: string | null;
  trans: TranslationBundle;
  onSelect: (path: string) => void;
  /** Double click or Enter on a row: open it. */
  onOpen: (path: string) => void;
}

function size(bytes: number, trans: TranslationBundle): string {
  if (bytes < 1024) {
    return trans.__('%1 B', bytes);
  }
  if (bytes < 1024 * 1024) {
    return trans.__('%1 KB', Math.round(bytes / 1024));
  }
  return trans.__('%1 MB', (bytes / (1024 * 1024)).toFixed(1));
}

/**
 * A student's notebooks (path, size, last saved) to pick one from.
 */
export function NotebookList(props: INotebookListProps): JSX.Element {
  const { listing, trans } = props;
  if (listing.notebooks.length === 0) {
    return (
      <p className="jp-classroom-NotebookList-empty">
        {trans.__('%1 has no notebooks in ~/notebooks.', listing.student)}
      </p>
    );
  }
  return (
    <div className="jp-classroom-NotebookList">
      <table data-testid="classroom-notebook-list" role="listbox">
        <thead>
          <tr>
            <th>{trans.__('Notebook')}</th>
            <th>{trans.__('Size')}</th>
            <th>{trans.__('Last saved')}</th>
          </tr>
        </thead>
        <tbody>
          {listing.notebooks.map(nb => (
            <tr
              key={nb.path}
              role="option"
              tabIndex={0}
              aria-selected={props.selected === nb.path}
              className={props.selected === nb.path ? 'jp-mod-selected' : ''}
              data-path={nb.path}
              onClick={() => props.onSelect(nb.path)}
              onDoubleClick={() => props.onOpen(nb.path)}
              onKeyDown={event => {
                if (event.key === ' ') {
                  event.preventDefault();
                  props.onSelect(nb.path);
                }
              }}
            >
              <td className="jp-classroom-NotebookList-path">{nb.path}</td>
              <td>{size(nb.size, trans)}</td>
              <td>{new Date(nb.modified).toLocaleString()}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {listing.truncated ? (
        <p className="jp-classroom-NotebookList-note">
          {trans.__(
            'Only the first %1 notebooks are listed (limits on count and folder depth).',
            listing.notebooks.length
          )}
        </p>
      ) : null}
      {listing.skipped > 0 ? (
        <p className="jp-classroom-NotebookList-note">
          {trans._n(
            '%1 entry was left out (a symlink, a special file or not owned by the student).',
            '%1 entries were left out (symlinks, special files or not owned by the student).',
            listing.skipped
          )}
        </p>
      ) : null}
    </div>
  );
}
