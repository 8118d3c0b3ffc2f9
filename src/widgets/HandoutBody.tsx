import { Dialog } from '@jupyterlab/apputils';
import { TranslationBundle } from '@jupyterlab/translation';
import { ReactWidget } from '@jupyterlab/ui-components';
import * as React from 'react';

import { HandoutForm, IHandoutValues } from '../components/HandoutForm';
import { Classroom } from '../tokens';

/** The body of the "Hand out" and "Collect" dialogs; its value is the form's fields. */
export class HandoutBody
  extends ReactWidget
  implements Dialog.IBodyWidget<IHandoutValues>
{
  constructor(
    private _trans: TranslationBundle,
    private _mode: 'handout' | 'collect',
    initial: Partial<IHandoutValues>,
    private _assignments: string[] = [],
    private _templates: Classroom.ITemplate[] = []
  ) {
    super();
    this.addClass('jp-classroom-HandoutBody');
    this._values = { source: '', assignment: '', className: '', ...initial };
  }

  getValue(): IHandoutValues {
    return {
      source: this._values.source.trim(),
      assignment: this._values.assignment.trim(),
      className: this._values.className.trim()
    };
  }

  protected render(): JSX.Element {
    return (
      <HandoutForm
        values={this._values}
        trans={this._trans}
        mode={this._mode}
        assignments={this._assignments}
        templates={this._templates}
      />
    );
  }

  private _values: IHandoutValues;
}
