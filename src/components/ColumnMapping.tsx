import { TranslationBundle } from '@jupyterlab/translation';
import { Button } from '@jupyterlab/ui-components';
import * as React from 'react';

import { Classroom } from '../tokens';

export interface IColumnMappingProps {
  columns: Classroom.IRosterColumn[];
  mapping: { [column: number]: Classroom.RosterField | '' };
  busy: boolean;
  trans: TranslationBundle;
  onChange: (column: number, field: Classroom.RosterField | '') => void;
  onSubmit: () => void;
}

/** The fields a column can hold, with their labels. */
export function fieldLabels(
  trans: TranslationBundle
): [Classroom.RosterField, string][] {
  return [
    ['username', trans.__('Username')],
    ['first_name', trans.__('First name')],
    ['last_name', trans.__('Last name')],
    ['full_name', trans.__('Full name')],
    ['class_name', trans.__('Class')],
    ['password', trans.__('Password')],
    ['external_id', trans.__('ID (from the school software)')]
  ];
}

/** A column mapping is usable with a username or a name column. */
export function mappingUsable(mapping: {
  [column: number]: Classroom.RosterField | '';
}): boolean {
  const fields = Object.values(mapping);
  return ['username', 'full_name', 'first_name', 'last_name'].some(f =>
    fields.includes(f as Classroom.RosterField)
  );
}

/**
 * The column-mapping step: the file's header was not recognised, so the teacher says which
 * column is which (the server remembers it for files with the same header).
 */
export function ColumnMapping(props: IColumnMappingProps): JSX.Element {
  const { trans } = props;
  const labels = fieldLabels(trans);
  return (
    <div
      className="jp-classroom-ColumnMapping"
      data-testid="classroom-import-mapping"
    >
      <p>
        {trans.__(
          'The columns of this file were not recognised. Say which column holds what: a username, or the names (first and last name, or full name); the class is optional.'
        )}
      </p>
      <table className="jp-classroom-table">
        <thead>
          <tr>
            <th>{trans.__('Column')}</th>
            <th>{trans.__('Examples')}</th>
            <th>{trans.__('Holds')}</th>
          </tr>
        </thead>
        <tbody>
          {props.columns.map(column => (
            <tr key={column.index}>
              <td>{column.title || trans.__('Column %1', column.index + 1)}</td>
              <td className="jp-classroom-ColumnMapping-samples">
                {column.samples.join(', ')}
              </td>
              <td>
                <select
                  className="jp-mod-styled"
                  data-testid={`classroom-mapping-column-${column.index}`}
                  aria-label={trans.__(
                    'What column %1 holds',
                    column.index + 1
                  )}
                  value={props.mapping[column.index] ?? ''}
                  onChange={event =>
                    props.onChange(
                      column.index,
                      event.target.value as Classroom.RosterField | ''
                    )
                  }
                >
                  <option value="">{trans.__('(not used)')}</option>
                  {labels.map(([field, label]) => (
                    <option key={field} value={field}>
                      {label}
                    </option>
                  ))}
                </select>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="jp-classroom-RosterImport-buttons">
        <Button
          className="jp-classroom-primary"
          data-testid="classroom-mapping-apply"
          disabled={props.busy || !mappingUsable(props.mapping)}
          onClick={props.onSubmit}
        >
          {trans.__('Use these columns')}
        </Button>
      </div>
    </div>
  );
}
