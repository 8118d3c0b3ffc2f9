import { TranslationBundle } from '@jupyterlab/translation';
import { Button } from '@jupyterlab/ui-components';
import * as React from 'react';

import { Classroom } from '../tokens';
import { clockTime } from './CredentialSheet';

/**
 * The Students section's entries to the bigger views: the class table in the main area and,
 * while the service keeps the teacher's last sheet, "Get last credentials again (until HH:MM)".
 */
export function KeptSheetNotice(props: {
  kept: Classroom.IKeptSheetSummary | null;
  trans: TranslationBundle;
  onGetAgain: () => void;
  onOpenTable: () => void;
}): JSX.Element {
  const { kept, trans } = props;
  return (
    <div className="jp-classroom-KeptSheet">
      <Button
        small
        data-testid="classroom-open-class-table"
        onClick={props.onOpenTable}
        title={trans.__('The class as a table in the main area')}
      >
        {trans.__('Open class table')}
      </Button>
      {kept ? (
        <Button
          small
          className="jp-classroom-primary"
          data-testid="classroom-get-last-credentials"
          onClick={props.onGetAgain}
        >
          {trans.__(
            'Get last credentials again (until %1)',
            clockTime(kept.expires)
          )}
        </Button>
      ) : null}
    </div>
  );
}
