import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import { Classroom } from '../tokens';

/** The fields of the hand-out and collect dialogs. */
export interface IHandoutValues {
  /** path below ~/notebooks (or template:NAME); unused when collecting */
  source: string;
  assignment: string;
  className: string;
}

export interface IHandoutFormProps {
  values: IHandoutValues;
  trans: TranslationBundle;
  /** 'handout' shows the source; 'collect' only assignment and class */
  mode: 'handout' | 'collect';
  /** Known assignments (suggestions for collect). */
  assignments: string[];
  /** Notebook templates the teacher may hand out as `template:NAME` (suggestions). */
  templates?: Classroom.ITemplate[];
}

/**
 * Hand out a notebook or folder to a class (or collect an assignment from one).
 * The values object is changed in place; the dialog reads it on OK.
 */
export function HandoutForm(props: IHandoutFormProps): JSX.Element {
  const { values, trans } = props;
  const [, bump] = React.useReducer((n: number) => n + 1, 0);
  const set =
    (key: keyof IHandoutValues) =>
    (event: React.ChangeEvent<HTMLInputElement>): void => {
      values[key] = event.target.value;
      bump();
    };
  return (
    <div className="jp-classroom-HandoutForm">
      {props.mode === 'handout' ? (
        <label>
          {trans.__('Notebook or folder (in your ~/notebooks), or a template')}
          <input
            className="jp-mod-styled"
            name="source"
            list="jp-classroom-handout-sources"
            value={values.source}
            onChange={set('source')}
          />
          <datalist id="jp-classroom-handout-sources">
            {(props.templates ?? []).map(t => (
              <option key={t.name} value={`template:${t.name}`}>
                {t.title}
              </option>
            ))}
          </datalist>
        </label>
      ) : null}
      <label>
        {trans.__('Assignment (folder name in the students\u2019 ~/notebooks)')}
        <input
          className="jp-mod-styled"
          name="assignment"
          list="jp-classroom-assignments"
          value={values.assignment}
          onChange={set('assignment')}
        />
        <datalist id="jp-classroom-assignments">
          {props.assignments.map(a => (
            <option key={a} value={a} />
          ))}
        </datalist>
      </label>
      <label>
        {trans.__('Class')}
        <input
          className="jp-mod-styled"
          name="class"
          value={values.className}
          onChange={set('className')}
        />
      </label>
      {props.mode === 'handout' ? (
        <p className="jp-classroom-HandoutForm-note">
          {trans.__(
            'Every student of the class gets a copy; a file a student has already is kept and the copy gets a new name. Students who join the class later get it when their server starts.'
          )}
        </p>
      ) : (
        <p className="jp-classroom-HandoutForm-note">
          {trans.__(
            'Copies of each student\u2019s folder go to your ~/notebooks/collected/; collecting again updates them.'
          )}
        </p>
      )}
    </div>
  );
}
