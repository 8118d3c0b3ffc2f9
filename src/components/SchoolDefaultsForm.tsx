import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import { SchoolDefaultsModel } from '../models/school';
import { Classroom } from '../tokens';

/** The "School defaults" section: three switches, each saved at once. */
export function SchoolDefaultsForm(props: {
  model: SchoolDefaultsModel;
  trans: TranslationBundle;
}): JSX.Element {
  const { model, trans } = props;
  const values = model.values;
  const item = (
    key: keyof Classroom.ISchoolDefaults,
    label: string,
    hint: string
  ): JSX.Element => (
    <label className="jp-classroom-School-item">
      <input
        type="checkbox"
        data-testid={`classroom-school-${key}`}
        disabled={values === null}
        checked={values?.[key] ?? false}
        onChange={event => void model.set(key, event.target.checked)}
      />
      <span>
        {label}
        <br />
        <small className="jp-classroom-School-hint">{hint}</small>
      </span>
    </label>
  );
  return (
    <div className="jp-classroom-School" data-testid="classroom-school">
      {model.error ? (
        <div className="jp-classroom-error" role="alert">
          {model.error}
        </div>
      ) : null}
      {item(
        'news_prompt',
        trans.__('Ask everyone about Jupyter news'),
        trans.__('Takes effect when a server starts.')
      )}
      {item(
        'student_extension_manager',
        trans.__('Extension Manager for students'),
        trans.__('Takes effect at the next page load.')
      )}
      {item(
        'show_server_owner',
        trans.__('Show whose server a teacher opened'),
        trans.__("In the browser tab of a student's server.")
      )}
    </div>
  );
}
