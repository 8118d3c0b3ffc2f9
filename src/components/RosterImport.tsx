import { TranslationBundle } from '@jupyterlab/translation';
import { Button } from '@jupyterlab/ui-components';
import * as React from 'react';

import { errorMessage } from '../api';
import { downloadCredentials, ICredentialRow, openSlips } from '../credentials';
import { findColumn, parseCsv, rosterCsv } from '../csv';
import { StudentsModel } from '../models/students';
import { Classroom } from '../tokens';
import { clockTime } from './CredentialSheet';
import { PreviewTable } from './PreviewTable';
import { ProgressBar } from './ProgressBar';
import { ResultsTable } from './ResultsTable';

export interface IRosterImportProps {
  model: StudentsModel;
  trans: TranslationBundle;
  /** Called when the import starts (true) and ends (false). */
  onRunning?: (running: boolean) => void;
  /** Called with the credentials of an import, and again when they were downloaded or printed. */
  onCredentials?: (rows: ICredentialRow[], saved: boolean) => void;
  /** Called with what the service keeps of the passwords (for 30 minutes), if anything. */
  onKept?: (kept: Classroom.IKeptSheetSummary | null) => void;
}

/** A row as this dialog keeps it: what the file said plus the password it brought. */
interface ISourceRow {
  username: string;
  full_name: string;
  password: string;
}

type Step = 'choose' | 'preview' | 'applying' | 'done';

/** The rows of an import result that have a password to hand out. */
export function credentialsOf(
  results: Classroom.IApplyResultRow[]
): ICredentialRow[] {
  return results
    .filter(r => r.ok && r.password)
    .map(r => ({
      username: r.username,
      full_name: r.full_name,
      password: r.password as string
    }));
}

/** New students, and existing ones whose password the file sets. */
function isApplied(row: Classroom.IPreviewRow): boolean {
  return (
    row.action === 'create' ||
    (row.action === 'exists' && row.input.password_given)
  );
}

/**
 * Read the source rows of a roster file, aligned with the preview rows by line number.
 */
function sourceRows(
  csv: string,
  preview: Classroom.IPreviewRow[]
): ISourceRow[] {
  const records = parseCsv(csv);
  const header = records[0]?.fields ?? [];
  const passwordColumn = findColumn(header, /pass|kennwort|pwd/);
  const byLine = new Map<number, string[]>();
  records.slice(1).forEach(r => byLine.set(r.line, r.fields));
  const data = records.slice(1);
  return preview.map((row, index) => {
    const fields = byLine.get(row.line) ?? data[index]?.fields ?? [];
    const password =
      row.input.password ??
      (row.input.password_given && passwordColumn >= 0
        ? (fields[passwordColumn] ?? '').trim()
        : '');
    return {
      username: row.input.username ?? '',
      full_name: row.input.full_name ?? '',
      password
    };
  });
}

/**
 * The roster import: choose a CSV file, preview per row (refused rows get an editable
 * suggested username), apply with progress, per-row results, credentials sheet.
 */
export function RosterImport(props: IRosterImportProps): JSX.Element {
  const { model, trans } = props;
  const [step, setStep] = React.useState<Step>('choose');
  const [error, setError] = React.useState<string | null>(null);
  const [busy, setBusy] = React.useState(false);
  const [source, setSource] = React.useState<ISourceRow[]>([]);
  const [preview, setPreview] = React.useState<Classroom.IPreview | null>(null);
  const [edits, setEdits] = React.useState<{ [index: number]: string }>({});
  const [dirty, setDirty] = React.useState(false);
  const [progress, setProgress] = React.useState<{
    message: string;
    fraction: number | null;
  }>({ message: '', fraction: 0 });
  const [kept, setKept] = React.useState<Classroom.IKeptSheetSummary | null>(
    null
  );
  const [results, setResults] = React.useState<
    Classroom.IApplyResultRow[] | null
  >(null);

  const showPreview = (reply: Classroom.IPreview, rows: ISourceRow[]): void => {
    setPreview(reply);
    setSource(rows);
    const suggested: { [index: number]: string } = {};
    reply.rows.forEach((row, index) => {
      if (row.action === 'refuse') {
        suggested[index] = row.suggested ?? '';
      }
    });
    setEdits(suggested);
    setDirty(false);
    setStep('preview');
  };

  const onFile = async (file: File | undefined): Promise<void> => {
    if (!file) {
      return;
    }
    setError(null);
    setBusy(true);
    try {
      const csv = await file.text();
      const reply = await model.previewRoster(csv);
      showPreview(reply, sourceRows(csv, reply.rows));
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  /** Send the rows again with the teacher's usernames for the refused ones. */
  const recheck = async (): Promise<void> => {
    if (!preview) {
      return;
    }
    const rows = source.map((row, index) => ({
      ...row,
      username:
        index in edits
          ? edits[index].trim()
          : (preview.rows[index].username ?? row.username)
    }));
    setError(null);
    setBusy(true);
    try {
      const reply = await model.previewRoster(rosterCsv(rows));
      // One row out per row in, in order: keep the passwords by position.
      showPreview(
        reply,
        reply.rows.map((row, i) => ({
          username: row.input.username ?? '',
          full_name: row.input.full_name ?? '',
          password: rows[i]?.password ?? ''
        }))
      );
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  const apply = async (): Promise<void> => {
    if (!preview) {
      return;
    }
    const rows: Classroom.IApplyRow[] = [];
    preview.rows.forEach((row, index) => {
      if (isApplied(row) && row.username) {
        const item: Classroom.IApplyRow = { username: row.username };
        const src = source[index];
        if (src?.full_name) {
          item.full_name = src.full_name;
        }
        if (src?.password) {
          item.password = src.password;
        }
        rows.push(item);
      }
    });
    setError(null);
    setStep('applying');
    setProgress({ message: trans.__('Starting…'), fraction: 0 });
    props.onRunning?.(true);
    try {
      const result = await model.applyRoster(rows, (message, fraction) =>
        setProgress({ message, fraction })
      );
      setResults(result.results);
      setKept(result.kept ?? null);
      props.onKept?.(result.kept ?? null);
      props.onCredentials?.(credentialsOf(result.results), false);
      setStep('done');
    } catch (e) {
      setError(errorMessage(e));
      setStep('preview');
    } finally {
      props.onRunning?.(false);
    }
  };

  const credentials = (): ICredentialRow[] => credentialsOf(results ?? []);

  const creating = preview
    ? preview.rows.filter(r => r.action === 'create').length
    : 0;
  const applying = preview ? preview.rows.filter(isApplied).length : 0;

  return (
    <div className="jp-classroom-RosterImport" data-testid="classroom-import">
      {step === 'choose' || step === 'preview' ? (
        <div className="jp-classroom-RosterImport-file">
          <p>
            {trans.__(
              'A CSV file with a header row and the columns username, full name and password (only username or full name is required; missing passwords are generated).'
            )}
          </p>
          <label className="jp-classroom-RosterImport-fileLabel">
            {trans.__('Roster file')}{' '}
            <input
              type="file"
              accept=".csv,text/csv,text/plain"
              data-testid="classroom-import-file"
              disabled={busy}
              onChange={event => void onFile(event.target.files?.[0])}
            />
          </label>
        </div>
      ) : null}
      {error ? (
        <div className="jp-classroom-error" role="alert">
          {error}
        </div>
      ) : null}
      {busy ? (
        <ProgressBar message={trans.__('Checking…')} fraction={null} />
      ) : null}
      {step === 'preview' && preview ? (
        <>
          <div
            className="jp-classroom-RosterImport-summary"
            data-testid="classroom-preview-summary"
          >
            {trans.__(
              '%1 to create, %2 already there, %3 refused.',
              creating,
              preview.rows.filter(r => r.action === 'exists').length,
              preview.rows.filter(r => r.action === 'refuse').length
            )}
          </div>
          <div className="jp-classroom-RosterImport-tableWrap">
            <PreviewTable
              rows={preview.rows}
              edits={edits}
              trans={trans}
              onEdit={(index, username) => {
                setEdits({ ...edits, [index]: username });
                setDirty(true);
              }}
            />
          </div>
          <div className="jp-classroom-RosterImport-buttons">
            {Object.keys(edits).length > 0 ? (
              <Button
                className="jp-classroom-RosterImport-recheck"
                data-testid="classroom-import-recheck"
                disabled={busy}
                onClick={() => void recheck()}
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
              disabled={busy || dirty || applying === 0}
              title={
                dirty
                  ? trans.__('Check the changed usernames first')
                  : trans.__('Create the accounts')
              }
              onClick={() => void apply()}
            >
              {creating === applying
                ? trans._n('Create %1 account', 'Create %1 accounts', creating)
                : trans._n('Apply %1 row', 'Apply %1 rows', applying)}
            </Button>
          </div>
        </>
      ) : null}
      {step === 'applying' ? (
        <ProgressBar message={progress.message} fraction={progress.fraction} />
      ) : null}
      {step === 'done' && results ? (
        <>
          <div
            className="jp-classroom-RosterImport-summary"
            data-testid="classroom-results-summary"
          >
            {trans.__(
              '%1 created, %2 failed.',
              results.filter(r => r.ok).length,
              results.filter(r => !r.ok).length
            )}{' '}
            {trans.__(
              'Download or print the passwords before you close this dialog.'
            )}
            {kept
              ? ' ' +
                trans.__(
                  'Until %1 you can get this sheet again from the Students section.',
                  clockTime(kept.expires)
                )
              : ''}
          </div>
          <div className="jp-classroom-RosterImport-tableWrap">
            <ResultsTable results={results} trans={trans} />
          </div>
          <div className="jp-classroom-RosterImport-buttons">
            <Button
              className="jp-classroom-primary"
              data-testid="classroom-download-credentials"
              disabled={credentials().length === 0}
              onClick={() => {
                downloadCredentials(credentials());
                props.onCredentials?.(credentials(), true);
              }}
            >
              {trans.__('Download credentials (CSV)')}
            </Button>
            <Button
              data-testid="classroom-print-slips"
              disabled={credentials().length === 0}
              onClick={() => {
                if (openSlips(credentials(), trans)) {
                  props.onCredentials?.(credentials(), true);
                } else {
                  setError(
                    trans.__(
                      'The browser blocked the new window; allow pop-ups for this page.'
                    )
                  );
                }
              }}
            >
              {trans.__('Print slips')}
            </Button>
          </div>
        </>
      ) : null}
    </div>
  );
}
