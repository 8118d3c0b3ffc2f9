import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

/** What the "Add student" dialog asks for. */
export interface IAddStudentValues {
  name: string;
  full_name: string;
  password: string;
}

/**
 * The fields of the "Add student" dialog. Writes into `values` (read by the dialog body).
 */
export function AddStudentForm(props: {
  values: IAddStudentValues;
  trans: TranslationBundle;
}): JSX.Element {
  const { values, trans } = props;
  const [state, setState] = React.useState<IAddStudentValues>({ ...values });
  const field = (
    key: keyof IAddStudentValues,
    label: string,
    extra: React.InputHTMLAttributes<HTMLInputElement>
  ) => (
    <label className="jp-classroom-AddStudentForm-field">
      <span>{label}</span>
      <input
        className="jp-mod-styled"
        data-testid={`classroom-add-${key}`}
        value={state[key]}
        onChange={event => {
          values[key] = event.target.value;
          setState({ ...values });
        }}
        {...extra}
      />
    </label>
  );
  return (
    <div className="jp-classroom-AddStudentForm">
      {field('name', trans.__('Username'), {
        type: 'text',
        autoComplete: 'off',
        spellCheck: false,
        placeholder: trans.__('e.g. anna or mueller-k'),
        // the hyphen escaped: browsers compile `pattern` with the RegExp v flag
        pattern: '[a-z][a-z0-9_\\-]{0,31}'
      })}
      {field('full_name', trans.__('Full name (optional)'), {
        type: 'text',
        autoComplete: 'off'
      })}
      {field('password', trans.__('Password (optional: generated if empty)'), {
        type: 'text',
        autoComplete: 'new-password'
      })}
      <p className="jp-classroom-AddStudentForm-hint">
        {trans.__(
          'Usernames start with a lowercase letter, then lowercase letters, digits, _ or - (at most 32 characters).'
        )}
      </p>
    </div>
  );
}
