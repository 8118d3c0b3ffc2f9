import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import { Classroom } from '../tokens';

/**
 * The per-row outcome of a roster import (passwords are not shown here: they go into the
 * credentials sheet).
 */
export function ResultsTable(props: {
  results: Classroom.IApplyResultRow[];
  trans: TranslationBundle;
}): JSX.Element {
  const { trans } = props;
  return (
    <table
      className="jp-classroom-table jp-classroom-ResultsTable"
      data-testid="classroom-results-table"
    >
      <thead>
        <tr>
          <th>{trans.__('Username')}</th>
          <th>{trans.__('Full name')}</th>
          <th>{trans.__('Class')}</th>
          <th>{trans.__('Result')}</th>
        </tr>
      </thead>
      <tbody>
        {props.results.map((row, index) => (
          <tr
            key={index}
            className={row.ok ? 'jp-mod-ok' : 'jp-mod-failed'}
            data-ok={row.ok ? 'true' : 'false'}
          >
            <td>
              <code>{row.username}</code>
            </td>
            <td>{row.full_name ?? ''}</td>
            <td>{row.class_name ?? ''}</td>
            <td>
              {row.ok ? '✓ ' : '✗ '}
              {row.message}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
