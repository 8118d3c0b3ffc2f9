import { TranslationBundle } from '@jupyterlab/translation';
import { Button } from '@jupyterlab/ui-components';
import * as React from 'react';

import { BulkAction, ClassTableModel, SortKey } from '../models/classTable';
import { Classroom } from '../tokens';

export interface IClassTableProps {
  model: ClassTableModel;
  /** the teacher's own name (never selectable for bulk changes) */
  me: string;
  trans: TranslationBundle;
  onBulk: (action: BulkAction, names: string[]) => void;
  /** open one student's row actions (the sidebar's menu) */
  onOpen?: (student: Classroom.IStudent) => void;
}

function stateLabel(s: Classroom.IStudent, trans: TranslationBundle): string {
  if (s.locked) {
    return trans.__('Disabled');
  }
  return s.server_running ? trans.__('Server running') : trans.__('Enabled');
}

/**
 * The class as a table in the main area (like JupyterHub's admin page, inside Lab): search,
 * class filter, sortable columns, multi-select and bulk actions on the selection.
 */
export function ClassTable(props: IClassTableProps): JSX.Element {
  const { model, trans } = props;
  const students = model.students;
  const rows = model.rows;
  const selected = model.selected;
  const classes = model.classes;
  const selectable = (s: Classroom.IStudent): boolean =>
    s.name !== props.me && !s.teacher;
  const header = (key: SortKey, label: string): JSX.Element => (
    <th
      aria-sort={
        model.sortKey === key
          ? model.ascending
            ? 'ascending'
            : 'descending'
          : 'none'
      }
    >
      <button
        className="jp-classroom-ClassTable-sort"
        data-testid={`classroom-sort-${key}`}
        onClick={() => model.sortBy(key)}
      >
        {label}
        {model.sortKey === key ? (model.ascending ? ' ▲' : ' ▼') : ''}
      </button>
    </th>
  );
  const bulk = (
    action: BulkAction,
    label: string,
    warn = false
  ): JSX.Element => (
    <Button
      className={warn ? 'jp-classroom-warn' : undefined}
      data-testid={`classroom-bulk-${action}`}
      disabled={selected.length === 0}
      onClick={() => props.onBulk(action, selected)}
    >
      {label}
    </Button>
  );
  const allShownSelected =
    rows.filter(selectable).length > 0 &&
    rows.filter(selectable).every(s => model.isSelected(s.name));
  return (
    <div
      className="jp-classroom-ClassTable"
      data-testid="classroom-class-table"
    >
      <div className="jp-classroom-ClassTable-controls">
        <input
          type="search"
          className="jp-mod-styled"
          data-testid="classroom-table-search"
          placeholder={trans.__('Search students')}
          aria-label={trans.__('Search students')}
          value={students.query}
          onChange={event => {
            students.query = event.target.value;
          }}
        />
        {classes.length > 0 ? (
          <select
            className="jp-mod-styled"
            aria-label={trans.__('Class')}
            data-testid="classroom-table-class"
            value={model.classFilter}
            onChange={event => {
              model.classFilter = event.target.value;
            }}
          >
            <option value="">{trans.__('All classes')}</option>
            {classes.map(c => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        ) : null}
        <span className="jp-classroom-ClassTable-count">
          {trans.__('%1 shown, %2 selected', rows.length, selected.length)}
        </span>
      </div>
      <div className="jp-classroom-ClassTable-bulk" role="toolbar">
        {bulk('new-passwords', trans.__('New passwords'))}
        {bulk('disable', trans.__('Disable login'), true)}
        {bulk('enable', trans.__('Enable login'))}
        {bulk('start', trans.__('Start servers'))}
        {bulk('stop', trans.__('Stop servers'))}
        {bulk('move', trans.__('Move to class…'))}
        {bulk('remove', trans.__('Remove'), true)}
      </div>
      {students.error ? (
        <div className="jp-classroom-error" role="alert">
          {students.error}
        </div>
      ) : null}
      <div className="jp-classroom-ClassTable-scroll">
        <table className="jp-classroom-ClassTable-table">
          <thead>
            <tr>
              <th>
                <input
                  type="checkbox"
                  aria-label={trans.__('Select all shown')}
                  data-testid="classroom-select-all"
                  checked={allShownSelected}
                  onChange={() => model.toggleAll()}
                />
              </th>
              {header('name', trans.__('Username'))}
              {header('full_name', trans.__('Full name'))}
              {classes.length > 0
                ? header('classes', trans.__('Classes'))
                : null}
              {header('state', trans.__('State'))}
              {header('activity', trans.__('Last activity'))}
            </tr>
          </thead>
          <tbody>
            {rows.map(s => (
              <tr
                key={s.name}
                data-testid="classroom-table-row"
                data-name={s.name}
                className={model.isSelected(s.name) ? 'jp-mod-selected' : ''}
              >
                <td>
                  <input
                    type="checkbox"
                    aria-label={trans.__('Select %1', s.name)}
                    disabled={!selectable(s) || students.isBusy(s.name)}
                    checked={model.isSelected(s.name)}
                    onChange={() => model.toggle(s.name)}
                  />
                </td>
                <td>
                  <code>{s.name}</code>
                  {s.teacher ? ` (${trans.__('teacher')})` : ''}
                </td>
                <td>{s.full_name ?? ''}</td>
                {classes.length > 0 ? (
                  <td>{(s.classes ?? []).join(', ')}</td>
                ) : null}
                <td
                  className={s.locked ? 'jp-classroom-ClassTable-disabled' : ''}
                >
                  {students.isBusy(s.name)
                    ? trans.__('Working…')
                    : stateLabel(s, trans)}
                </td>
                <td>
                  {s.last_activity
                    ? new Date(s.last_activity).toLocaleString()
                    : '—'}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
