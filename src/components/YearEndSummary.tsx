import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import { IYearEndStep } from '../models/yearEnd';

export interface IYearEndSummaryProps {
  steps: ReadonlyArray<IYearEndStep>;
  trans: TranslationBundle;
}

/** What one step does (the plan) or did (after the run). */
function outcome(step: IYearEndStep, trans: TranslationBundle): string {
  switch (step.state) {
    case 'pending':
      return step.action === 'leave'
        ? trans._n(
            'export, download, then remove (%1 student)',
            'export, download, then remove (%1 students)',
            step.members
          )
        : trans.__('rename to %1', step.to ?? '');
    case 'running':
      return step.progress || trans.__('working…');
    case 'skipped':
      return trans.__('not done: %1 is still there', step.blockedBy ?? '');
    case 'failed': {
      const kept = step.downloaded
        ? trans.__('export %1 downloaded', step.export?.export ?? '')
        : trans.__('nothing removed');
      return trans.__('failed: %1 (%2)', step.error ?? '', kept);
    }
    case 'done':
      if (step.action === 'promote') {
        return trans.__('now %1', step.to ?? '');
      }
      return trans._n(
        '%1 student removed (home archived); export %2 downloaded',
        '%1 students removed (homes archived); export %2 downloaded',
        step.removed?.members.filter(m => m.ok).length ?? 0,
        step.export?.export ?? ''
      );
  }
}

/** The steps of the end of the school year: the plan before the run, the outcome after. */
export function YearEndSummary(props: IYearEndSummaryProps): JSX.Element {
  const { steps, trans } = props;
  if (steps.length === 0) {
    return (
      <p data-testid="classroom-yearend-summary">
        {trans.__('Every class stays as it is: nothing to do.')}
      </p>
    );
  }
  return (
    <table
      className="jp-classroom-YearEndSummary"
      data-testid="classroom-yearend-summary"
    >
      <thead>
        <tr>
          <th>{trans.__('Class')}</th>
          <th>{trans.__('End of year')}</th>
          <th>{trans.__('Outcome')}</th>
        </tr>
      </thead>
      <tbody>
        {steps.map(step => (
          <tr
            key={step.name}
            data-testid={`classroom-yearend-step-${step.name}`}
            data-state={step.state}
          >
            <td>{step.name}</td>
            <td>
              {step.action === 'leave'
                ? trans.__('leaves')
                : trans.__('moves up to %1', step.to ?? '')}
            </td>
            <td>
              {outcome(step, trans)}
              {step.removed && step.removed.members.some(m => m.archive) ? (
                <ul className="jp-classroom-YearEndSummary-archives">
                  {step.removed.members
                    .filter(m => m.archive)
                    .map(m => (
                      <li key={m.name} data-testid="classroom-yearend-archive">
                        {m.archive}
                      </li>
                    ))}
                </ul>
              ) : null}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
