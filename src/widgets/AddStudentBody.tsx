import { Dialog } from '@jupyterlab/apputils';
import { TranslationBundle } from '@jupyterlab/translation';
import { ReactWidget } from '@jupyterlab/ui-components';
import * as React from 'react';

import {
  AddStudentForm,
  IAddStudentValues
} from '../components/AddStudentForm';

/**
 * The body of the "Add student" dialog; its value is the form's fields.
 */
export class AddStudentBody
  extends ReactWidget
  implements Dialog.IBodyWidget<IAddStudentValues>
{
  constructor(private _trans: TranslationBundle) {
    super();
    this.addClass('jp-classroom-AddStudentBody');
  }

  getValue(): IAddStudentValues {
    return {
      name: this._values.name.trim(),
      full_name: this._values.full_name.trim(),
      password: this._values.password
    };
  }

  protected render(): JSX.Element {
    return <AddStudentForm values={this._values} trans={this._trans} />;
  }

  private _values: IAddStudentValues = {
    name: '',
    full_name: '',
    password: ''
  };
}
