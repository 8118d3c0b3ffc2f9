import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import { ALL_CLASSES, ClassesModel } from '../models/classes';
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
  /** The classes: the list is filtered by the selected class, or grouped by class. */
  classes?: ClassesModel;
}

/**
 * The class list with its search box. Re-rendered by the panel on `model.changed`.
 */
export function StudentsView(props: IStudentsViewProps): JSX.Element {
  const { model, trans } = props;
  const [expanded, setExpanded] = React.useState<string | null>(null);
  const classes = props.classes;
  const students = classes ? classes.filter(model.filtered) : model.filtered;
  const total = model.students.length;
  const grouped =
    classes !== undefined &&
    classes.selected === ALL_CLASSES &&
    classes.classes.length > 0;
  const item = (s: Classroom.IStudent, key: string) => (
    <StudentItem
      key={key}
      student={s}
      me={props.me}
      busy={model.isBusy(s.name)}
      canView={props.canView}
      expanded={expanded === s.name}
      trans={trans}
      onToggle={name => setExpanded(expanded === name ? null : name)}
      onAction={props.onAction}
    />
  );
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
        {grouped && classes
          ? classes.groups(students).map(([name, members]) => [
              <li
                key={`class:${name}`}
                className="jp-classroom-StudentsView-classHeader"
                data-testid="classroom-class-header"
              >
                {name === ALL_CLASSES
                  ? trans.__('No class (%1)', members.length)
                  : trans.__('%1 (%2)', name, members.length)}
              </li>,
              ...members.map(s => item(s, `${name}/${s.name}`))
            ])
          : students.map(s => item(s, s.name))}
      </ul>
    </div>
  );
}
