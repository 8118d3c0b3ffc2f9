import { TranslationBundle } from '@jupyterlab/translation';
import { Button } from '@jupyterlab/ui-components';
import * as React from 'react';

import { downloadCredentials, loginUrl, openSlips } from '../credentials';
import { Classroom } from '../tokens';

/**
 * A password shown once, with copy, download and print.
 */
export function Credentials(props: {
  credentials: Classroom.ICredentials;
  trans: TranslationBundle;
}): JSX.Element {
  const { credentials: c, trans } = props;
  const [copied, setCopied] = React.useState(false);
  const row = {
    username: c.name,
    full_name: c.full_name,
    password: c.password
  };
  return (
    <div
      className="jp-classroom-Credentials"
      data-testid="classroom-credentials"
    >
      <dl>
        <dt>{trans.__('Address')}</dt>
        <dd>{loginUrl()}</dd>
        <dt>{trans.__('Username')}</dt>
        <dd>
          <code data-testid="classroom-credentials-username">{c.name}</code>
        </dd>
        <dt>{trans.__('Password')}</dt>
        <dd>
          <code
            className="jp-classroom-Credentials-password"
            data-testid="classroom-credentials-password"
          >
            {c.password}
          </code>
        </dd>
      </dl>
      <p className="jp-classroom-Credentials-note">
        {trans.__(
          'This password is shown only now. Hand it to the student or write it down.'
        )}
      </p>
      <div className="jp-classroom-Credentials-buttons">
        <Button
          small
          onClick={() => {
            void navigator.clipboard
              ?.writeText(c.password)
              .then(() => setCopied(true));
          }}
        >
          {copied ? trans.__('Copied') : trans.__('Copy password')}
        </Button>
        <Button small onClick={() => void downloadCredentials([row])}>
          {trans.__('Download (CSV)')}
        </Button>
        <Button small onClick={() => void openSlips([row], trans)}>
          {trans.__('Print slip')}
        </Button>
      </div>
    </div>
  );
}
