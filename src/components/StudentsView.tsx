import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import { StudentsModel } from '../models/students';
import { Classroom } from '../tokens';
import { StudentAction, StudentItem } from './StudentItem';

export interface IStudentsViewProps {
  model: StudentsModel;
  me: string;
  /** Whether this Lab can show a student's notebooks read-only. */
  canView: boolean;
  trans: TranslationBundle;
  onAction: (action: StudentAction, student: Classroom.IStudent) => void;
}

/**
 * The class list with its search box. Re-rendered by the panel on `model.changed`.
 */
export function StudentsView(props: IStudentsViewProps): JSX.Element {
  const { model, trans } = props;
  const [expanded, setExpanded] = React.useState<string | null>(null);
  const students = model.filtered;
  const total = model.students.length;
  return (
    <div className="jp-classroom-StudentsView">
      <div className="jp-classroom-StudentsView-search">
        <input
          type="search"
          className="jp-mod-styled jp-classroom-StudentsView-searchInput"
          data-testid="classroom-student-search"
          placeholder={trans.__('Search students')}
          aria-label={trans.__('Search students')}
          value={model.query}
          onChange={event => {
            model.query = event.target.value;
          }}
        />
      </div>
      <div className="jp-classroom-StudentsView-status">
        {model.loading
          ? trans.__('Loading…')
          : students.length === total
            ? trans._n('%1 user', '%1 users', total)
            : trans.__('%1 of %2 users', students.length, total)}
      </div>
      {model.error ? (
        <div className="jp-classroom-error" role="alert">
          {model.error}
        </div>
      ) : null}
      <ul
        className="jp-classroom-StudentsView-list"
        data-testid="classroom-student-list"
      >
        {students.map(s => (
          <StudentItem
            key={s.name}
            student={s}
            me={props.me}
            busy={model.isBusy(s.name)}
            canView={props.canView}
            expanded={expanded === s.name}
            trans={trans}
            onToggle={name => setExpanded(expanded === name ? null : name)}
            onAction={props.onAction}
          />
        ))}
      </ul>
    </div>
  );
}
