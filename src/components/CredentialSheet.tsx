import { TranslationBundle } from '@jupyterlab/translation';
import { Button } from '@jupyterlab/ui-components';
import * as React from 'react';

import { downloadCredentials, ICredentialRow, openSlips } from '../credentials';

/** "14:35" for an ISO time, in the browser's time zone. */
export function clockTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime())
    ? ''
    : date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

/**
 * A credentials sheet (import, new passwords, or fetched again): the students with their
 * passwords, Download (CSV) and Print slips. `onSaved` is called after either.
 */
export function CredentialSheet(props: {
  rows: ICredentialRow[];
  trans: TranslationBundle;
  /** ISO time until which the service keeps this sheet, if it does */
  keptUntil?: string | null;
  onSaved: () => void;
}): JSX.Element {
  const { rows, trans, keptUntil } = props;
  const [saved, setSaved] = React.useState(false);
  const [error, setError] = React.useState<string | null>(null);
  const done = (): void => {
    setSaved(true);
    props.onSaved();
  };
  return (
    <div
      className="jp-classroom-CredentialSheet"
      data-testid="classroom-credential-sheet"
    >
      <p>
        {saved
          ? trans.__('Saved. You can close this now.')
          : trans._n(
              'Download or print the password of %1 student before you close this.',
              'Download or print the passwords of %1 students before you close this.',
              rows.length
            )}
        {keptUntil
          ? ' ' +
            trans.__(
              'Until %1 you can get this sheet again from the Students section.',
              clockTime(keptUntil)
            )
          : ''}
      </p>
      {error ? (
        <div className="jp-classroom-error" role="alert">
          {error}
        </div>
      ) : null}
      <div className="jp-classroom-CredentialSheet-tableWrap">
        <table className="jp-classroom-CredentialSheet-table">
          <thead>
            <tr>
              <th>{trans.__('Username')}</th>
              <th>{trans.__('Full name')}</th>
              <th>{trans.__('Password')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map(row => (
              <tr key={row.username}>
                <td>
                  <code>{row.username}</code>
                </td>
                <td>{row.full_name ?? ''}</td>
                <td>
                  <code data-testid="classroom-sheet-password">
                    {row.password}
                  </code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="jp-classroom-Credentials-buttons">
        <Button
          className="jp-classroom-primary"
          data-testid="classroom-sheet-download"
          onClick={() =>
            void downloadCredentials(rows).then(ok => (ok ? done() : undefined))
          }
        >
          {trans.__('Download credentials (CSV)')}
        </Button>
        <Button
          data-testid="classroom-sheet-print"
          onClick={() =>
            void openSlips(rows, trans).then(ok =>
              ok
                ? done()
                : setError(
                    trans.__(
                      'The browser blocked the new window; allow pop-ups for this page.'
                    )
                  )
            )
          }
        >
          {trans.__('Print slips')}
        </Button>
      </div>
    </div>
  );
}
