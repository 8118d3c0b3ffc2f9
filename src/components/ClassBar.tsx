import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import { ALL_CLASSES, ClassesModel } from '../models/classes';

/** What the teacher can do to the selected class. */
export type ClassMenuAction =
  | 'slips'
  | 'disable'
  | 'enable'
  | 'start'
  | 'stop'
  | 'remove'
  | 'create'
  | 'yearend';

export interface IClassBarProps {
  model: ClassesModel;
  trans: TranslationBundle;
  onAction: (action: ClassMenuAction, className: string) => void;
}

/**
 * The class filter of the Students section and the actions menu of the selected class.
 * Re-rendered by the panel on `model.changed`.
 */
export function ClassBar(props: IClassBarProps): JSX.Element {
  const { model, trans } = props;
  const selected = model.selected;
  const busy = model.busy !== null;
  const actions: Array<[ClassMenuAction, string]> = [
    ['slips', trans.__('New passwords and slips…')],
    ['disable', trans.__('Disable all (exam)')],
    ['enable', trans.__('Enable all')],
    ['start', trans.__('Start all servers')],
    ['stop', trans.__('Stop all servers')],
    ['remove', trans.__('Remove class (archive homes)…')]
  ];
  return (
    <div className="jp-classroom-ClassBar" data-testid="classroom-class-bar">
      <select
        className="jp-mod-styled jp-classroom-ClassBar-filter"
        data-testid="classroom-class-filter"
        aria-label={trans.__('Class')}
        value={selected}
        onChange={event => {
          model.selected = event.target.value;
        }}
      >
        <option value={ALL_CLASSES}>{trans.__('All classes')}</option>
        {model.classes.map(c => (
          <option key={c.name} value={c.name}>
            {trans.__('%1 (%2)', c.name, c.members.length)}
          </option>
        ))}
      </select>
      <select
        className="jp-mod-styled jp-classroom-ClassBar-actions"
        data-testid="classroom-class-actions"
        aria-label={trans.__('Class actions')}
        value=""
        disabled={busy}
        onChange={event => {
          const action = event.target.value as ClassMenuAction;
          if (action) {
            props.onAction(action, selected);
          }
        }}
      >
        <option value="">
          {busy
            ? trans.__('Working on %1…', model.busy ?? '')
            : trans.__('Class actions')}
        </option>
        <option value="create">{trans.__('New class…')}</option>
        {model.classes.length > 0 ? (
          <option value="yearend">{trans.__('End of school year…')}</option>
        ) : null}
        {selected !== ALL_CLASSES
          ? actions.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))
          : null}
      </select>
      {model.error ? (
        <div className="jp-classroom-error" role="alert">
          {model.error}
        </div>
      ) : null}
    </div>
  );
}
