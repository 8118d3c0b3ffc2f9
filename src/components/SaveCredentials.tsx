import { TranslationBundle } from '@jupyterlab/translation';
import { Button } from '@jupyterlab/ui-components';
import * as React from 'react';

import { downloadCredentials, ICredentialRow, openSlips } from '../credentials';

/**
 * The last chance to keep the passwords of an import before they are gone.
 */
export function SaveCredentials(props: {
  rows: ICredentialRow[];
  trans: TranslationBundle;
}): JSX.Element {
  const { rows, trans } = props;
  return (
    <div
      className="jp-classroom-SaveCredentials"
      data-testid="classroom-save-credentials"
    >
      <p>
        {trans._n(
          'The password of %1 new student is shown only now and is not stored anywhere. Download or print it, or set a new one later.',
          'The passwords of %1 new students are shown only now and are not stored anywhere. Download or print them, or set new ones later.',
          rows.length
        )}
      </p>
      <div className="jp-classroom-Credentials-buttons">
        <Button
          className="jp-classroom-primary"
          onClick={() => void downloadCredentials(rows)}
        >
          {trans.__('Download credentials (CSV)')}
        </Button>
        <Button onClick={() => void openSlips(rows, trans)}>
          {trans.__('Print slips')}
        </Button>
      </div>
    </div>
  );
}
