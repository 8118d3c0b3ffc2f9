import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import { Classroom } from '../tokens';

export interface IPreviewTableProps {
  rows: Classroom.IPreviewRow[];
  /** The username the teacher chose for each refused row (by index). */
  edits: { [index: number]: string };
  trans: TranslationBundle;
  onEdit: (index: number, username: string) => void;
}

/**
 * The roster preview: per row the name and class from the file, what will happen and why;
 * refused rows get an editable suggested username.
 */
export function PreviewTable(props: IPreviewTableProps): JSX.Element {
  const { trans } = props;
  const actionLabel = (action: string) =>
    action === 'create'
      ? trans.__('create')
      : action === 'exists'
        ? trans.__('exists')
        : trans.__('refused');
  return (
    <table
      className="jp-classroom-table jp-classroom-PreviewTable"
      data-testid="classroom-preview-table"
    >
      <thead>
        <tr>
          <th>{trans.__('Line')}</th>
          <th>{trans.__('Name')}</th>
          <th>{trans.__('Class')}</th>
          <th>{trans.__('Username')}</th>
          <th>{trans.__('Action')}</th>
          <th>{trans.__('Reason')}</th>
        </tr>
      </thead>
      <tbody>
        {props.rows.map((row, index) => (
          <tr
            key={index}
            className={`jp-classroom-row-${row.action}`}
            data-testid={`classroom-preview-row-${index}`}
            data-action={row.action}
            data-username={row.username ?? ''}
          >
            <td>{row.line}</td>
            <td className="jp-classroom-PreviewTable-name">
              {row.input.full_name ?? ''}
            </td>
            <td className="jp-classroom-PreviewTable-class">
              {row.class_name ?? ''}
            </td>
            <td>
              {row.action === 'refuse' ? (
                <input
                  type="text"
                  className="jp-mod-styled jp-classroom-PreviewTable-username"
                  data-testid={`classroom-preview-username-${index}`}
                  aria-label={trans.__('Username for line %1', row.line)}
                  placeholder={trans.__('username')}
                  value={props.edits[index] ?? ''}
                  onChange={event => props.onEdit(index, event.target.value)}
                />
              ) : (
                <code>{row.username}</code>
              )}
            </td>
            <td>
              <span className={`jp-classroom-action jp-mod-${row.action}`}>
                {actionLabel(row.action)}
              </span>
            </td>
            <td className="jp-classroom-PreviewTable-reason">{row.reason}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
