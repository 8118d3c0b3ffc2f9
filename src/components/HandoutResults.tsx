import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import { Classroom } from '../tokens';

export interface IHandoutResultsProps {
  students: Classroom.IStudentOutcome[];
  trans: TranslationBundle;
}

function outcomeLabel(outcome: string, trans: TranslationBundle): string {
  switch (outcome) {
    case 'handed_out':
      return trans.__('handed out');
    case 'unchanged':
      return trans.__('has it already');
    case 'collected':
      return trans.__('collected');
    case 'missing':
      return trans.__('missing');
    case 'refused':
      return trans.__('refused');
    case 'failed':
      return trans.__('failed');
    default:
      return outcome;
  }
}

function fileNote(
  file: Classroom.IHandoutFile,
  trans: TranslationBundle
): string | null {
  if (file.outcome === 'suffixed') {
    return trans.__(
      '%1: the student has their own file of that name (kept); the copy is %2',
      file.path,
      file.written_as
    );
  }
  return null;
}

/**
 * Per student what a hand-out or collect did (the teacher sees every kept file and refusal).
 */
export function HandoutResults(props: IHandoutResultsProps): JSX.Element {
  const { students, trans } = props;
  return (
    <table
      className="jp-classroom-HandoutResults"
      data-testid="classroom-handout-results"
    >
      <thead>
        <tr>
          <th>{trans.__('Student')}</th>
          <th>{trans.__('Result')}</th>
          <th>{trans.__('Details')}</th>
        </tr>
      </thead>
      <tbody>
        {students.map(s => {
          const notes = s.files
            .map(f => fileNote(f, trans))
            .filter((n): n is string => n !== null);
          return (
            <tr key={s.student} className={`jp-mod-${s.outcome}`}>
              <td>{s.student}</td>
              <td>{outcomeLabel(s.outcome, trans)}</td>
              <td>
                {s.message ? <div>{s.message}</div> : null}
                {notes.map(n => (
                  <div key={n}>{n}</div>
                ))}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
