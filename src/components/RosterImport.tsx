import { TranslationBundle } from '@jupyterlab/translation';
import { Button, UseSignal } from '@jupyterlab/ui-components';
import * as React from 'react';

import { downloadCredentials, ICredentialRow, openSlips } from '../credentials';
import { RosterImportModel } from '../models/rosterImport';
import { ColumnMapping } from './ColumnMapping';
import { PreviewTable } from './PreviewTable';
import { ProgressBar } from './ProgressBar';
import { ResultsTable } from './ResultsTable';
import { SyncPlan, syncSummary } from './SyncPlan';
import { SyncRemovals } from './SyncRemovals';

export interface IRosterImportProps {
  model: RosterImportModel;
  trans: TranslationBundle;
  /** Called with the credentials of an import, and again when they were downloaded or printed. */
  onCredentials?: (rows: ICredentialRow[], saved: boolean) => void;
}

/**
 * The roster import: choose a file (the server reads it: encoding, delimiter, columns),
 * say which column is which if the header was not recognised, preview per row (refused rows
 * get an editable suggested username), apply with progress, per-row results, credentials.
 */
export function RosterImport(props: IRosterImportProps): JSX.Element {
  return (
    <UseSignal signal={props.model.changed}>
      {() => <RosterImportView {...props} />}
    </UseSignal>
  );
}

function RosterImportView(props: IRosterImportProps): JSX.Element {
  const { model, trans } = props;
  const [saveError, setSaveError] = React.useState<string | null>(null);
  const step = model.step;
  const upload = model.upload;
  const creating = model.count('create');
  const applying = model.applicable;
  const credentials = model.credentials;
  const error = model.error ?? saveError;
  const sync = model.syncMode ? model.sync : null;
  const offerSync =
    (upload?.classes?.length ?? 0) > 0 &&
    (model.sync !== null || model.syncError !== null);

  const save = async (format: 'csv' | 'html'): Promise<void> => {
    setSaveError(null);
    try {
      const ok =
        format === 'csv'
          ? await downloadCredentials(credentials)
          : await openSlips(credentials, trans);
      if (ok) {
        props.onCredentials?.(credentials, true);
      } else {
        setSaveError(
          trans.__(
            'The browser blocked the new window; allow pop-ups for this page.'
          )
        );
      }
    } catch (e) {
      setSaveError((e as Error).message);
    }
  };

  React.useEffect(() => {
    if (step === 'done') {
      props.onCredentials?.(credentials, false);
    }
  }, [step]);

  return (
    <div className="jp-classroom-RosterImport" data-testid="classroom-import">
      {step === 'choose' || step === 'preview' || step === 'mapping' ? (
        <div className="jp-classroom-RosterImport-file">
          <p>
            {trans.__(
              'The class list as your school software exports it (CSV: WebUntis, SchILD, IServ, Moodle, Excel), with a header row: names (first and last name, or full name) or usernames; class, password and ID are optional. Missing usernames are made from the names, missing passwords are generated.'
            )}
          </p>
          <label className="jp-classroom-RosterImport-fileLabel">
            {trans.__('Roster file')}{' '}
            <input
              type="file"
              accept=".csv,.txt,text/csv,text/plain"
              data-testid="classroom-import-file"
              disabled={model.busy}
              onChange={event => {
                const file = event.target.files?.[0];
                event.target.value = '';
                if (file) {
                  void model.chooseFile(file);
                }
              }}
            />
          </label>
          {upload && !upload.mapping_needed ? (
            <div
              className="jp-classroom-RosterImport-read"
              data-testid="classroom-import-read"
            >
              {trans.__(
                'Read as %1, separated by %2.',
                upload.encoding.toUpperCase(),
                upload.delimiter === 'tab' ? trans.__('tabs') : upload.delimiter
              )}
            </div>
          ) : null}
        </div>
      ) : null}
      {error ? (
        <div className="jp-classroom-error" role="alert">
          {error}
        </div>
      ) : null}
      {model.busy ? (
        <ProgressBar message={trans.__('Checking…')} fraction={null} />
      ) : null}
      {step === 'mapping' && upload ? (
        <ColumnMapping
          columns={upload.columns}
          mapping={model.mapping}
          busy={model.busy}
          trans={trans}
          onChange={(column, field) => model.setColumn(column, field)}
          onSubmit={() => void model.submitMapping()}
        />
      ) : null}
      {step === 'preview' && upload && offerSync ? (
        <label
          className="jp-classroom-RosterImport-sync"
          title={trans.__(
            'Students of these classes whom the file no longer lists are offered for removal (never removed unless you tick them); students in another of these classes are moved.'
          )}
        >
          <input
            type="checkbox"
            data-testid="classroom-import-sync"
            checked={model.syncMode}
            disabled={model.busy}
            onChange={event => model.setSyncMode(event.target.checked)}
          />{' '}
          {model.existingClasses.length > 0
            ? trans.__(
                'Sync the classes in this file (%1 exist already): show who moved or is no longer listed',
                model.existingClasses.join(', ')
              )
            : trans.__(
                'Sync the classes in this file: show who moved or is no longer listed'
              )}
        </label>
      ) : null}
      {step === 'preview' && model.syncMode && model.syncError ? (
        <div className="jp-classroom-error" role="alert">
          {model.syncError}
        </div>
      ) : null}
      {step === 'preview' && upload && sync ? (
        <>
          <div
            className="jp-classroom-RosterImport-summary"
            data-testid="classroom-sync-summary"
          >
            {syncSummary(sync.summary, trans)}
            {sync.new_classes.length > 0
              ? ' ' + trans.__('New classes: %1.', sync.new_classes.join(', '))
              : ''}
          </div>
          <div className="jp-classroom-RosterImport-tableWrap">
            <SyncPlan
              plan={sync}
              leavers={model.leavers}
              trans={trans}
              disabled={model.busy}
              onLeaver={(name, on) => model.setLeaver(name, on)}
            />
          </div>
          <div className="jp-classroom-RosterImport-buttons">
            <Button
              className="jp-classroom-RosterImport-apply jp-classroom-primary"
              data-testid="classroom-import-apply"
              disabled={model.busy || model.syncChanges === 0}
              title={trans.__(
                'Create the new students, move the moved ones, archive and remove the ticked ones'
              )}
              onClick={() => void model.apply()}
            >
              {trans.__(
                'Apply: %1 new, %2 moved, %3 removed',
                model.syncItems('new').length,
                model.syncItems('moved').length,
                model.leavers.length
              )}
            </Button>
          </div>
        </>
      ) : null}
      {step === 'preview' && upload && !model.syncMode ? (
        <>
          <div
            className="jp-classroom-RosterImport-summary"
            data-testid="classroom-preview-summary"
          >
            {trans.__(
              '%1 to create, %2 already there, %3 refused.',
              creating,
              model.count('exists'),
              model.count('refuse')
            )}
            {upload.classes && upload.classes.length > 0
              ? ' ' + trans.__('Classes: %1.', upload.classes.join(', '))
              : ''}
          </div>
          <div className="jp-classroom-RosterImport-tableWrap">
            <PreviewTable
              rows={model.rows}
              edits={model.edits}
              trans={trans}
              onEdit={(index, username) => model.edit(index, username)}
            />
          </div>
          <div className="jp-classroom-RosterImport-buttons">
            {Object.keys(model.edits).length > 0 ? (
              <Button
                className="jp-classroom-RosterImport-recheck"
                data-testid="classroom-import-recheck"
                disabled={model.busy}
                onClick={() => void model.recheck()}
                title={trans.__(
                  'Preview again with the usernames you chose for the refused rows'
                )}
              >
                {trans.__('Check again with these names')}
              </Button>
            ) : null}
            <Button
              className="jp-classroom-RosterImport-apply jp-classroom-primary"
              data-testid="classroom-import-apply"
              disabled={model.busy || model.dirty || applying === 0}
              title={
                model.dirty
                  ? trans.__('Check the changed usernames first')
                  : trans.__('Create the accounts')
              }
              onClick={() => void model.apply()}
            >
              {creating === applying
                ? trans._n('Create %1 account', 'Create %1 accounts', creating)
                : trans._n('Apply %1 row', 'Apply %1 rows', applying)}
            </Button>
          </div>
        </>
      ) : null}
      {step === 'applying' ? (
        <ProgressBar
          message={model.progress.message || trans.__('Starting…')}
          fraction={model.progress.fraction}
        />
      ) : null}
      {step === 'done' && model.results ? (
        <>
          <div
            className="jp-classroom-RosterImport-summary"
            data-testid="classroom-results-summary"
          >
            {trans.__(
              '%1 created, %2 failed.',
              model.results.filter(r => r.ok).length,
              model.results.filter(r => !r.ok).length
            )}{' '}
            {model.syncMode
              ? trans.__(
                  '%1 moved, %2 archived and removed.',
                  model.moved.length,
                  model.removed.length
                ) + ' '
              : ''}
            {!model.syncMode || credentials.length > 0
              ? trans.__(
                  'The passwords are shown only now: download or print them before you close this dialog.'
                )
              : ''}
          </div>
          {model.syncMode ? (
            <SyncRemovals
              moved={model.moved}
              removed={model.removed}
              failed={model.failed}
              trans={trans}
            />
          ) : null}
          {/* a sync without new students has no passwords: no empty table */}
          {!model.syncMode || model.results.length > 0 ? (
            <>
              <div className="jp-classroom-RosterImport-tableWrap">
                <ResultsTable results={model.results} trans={trans} />
              </div>
              <div className="jp-classroom-RosterImport-buttons">
                <Button
                  className="jp-classroom-primary"
                  data-testid="classroom-download-credentials"
                  disabled={credentials.length === 0}
                  onClick={() => void save('csv')}
                >
                  {trans.__('Download credentials (CSV)')}
                </Button>
                <Button
                  data-testid="classroom-print-slips"
                  disabled={credentials.length === 0}
                  onClick={() => void save('html')}
                >
                  {trans.__('Print slips')}
                </Button>
              </div>
            </>
          ) : null}
        </>
      ) : null}
    </div>
  );
}
