import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

/**
 * What the sidebar shows in a JupyterLab that does not run under JupyterHub.
 */
export function NeedsHub(props: { trans: TranslationBundle }): JSX.Element {
  const { trans } = props;
  return (
    <div className="jp-classroom-NeedsHub" data-testid="classroom-needs-hub">
      <h3>{trans.__('The Classroom needs JupyterHub')}</h3>
      <p>
        {trans.__(
          'This JupyterLab does not run under JupyterHub, so there is no class to manage. Log in to the classroom hub as a teacher to manage students, libraries, kernels and the class broker.'
        )}
      </p>
    </div>
  );
}
