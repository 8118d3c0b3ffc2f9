import {
  Dialog,
  Notification,
  showDialog,
  showErrorMessage
} from '@jupyterlab/apputils';
import { TranslationBundle } from '@jupyterlab/translation';
import { ReactWidget } from '@jupyterlab/ui-components';
import * as React from 'react';

import { errorMessage } from './api';
import { HandoutResults } from './components/HandoutResults';
import { LessonModel } from './models/lesson';
import { Classroom } from './tokens';
import { HandoutBody } from './widgets/HandoutBody';

function suggestedAssignment(source: string): string {
  const last = source.replace(/\/+$/, '').split('/').pop() ?? '';
  return last.replace(/\.ipynb$/, '');
}

/** Ask what to hand out to which class, run it, show per student what happened. */
export async function handOut(
  model: LessonModel,
  trans: TranslationBundle,
  source = '',
  className = model.className
): Promise<void> {
  let templates: Classroom.ITemplate[] = [];
  try {
    templates = await model.templates();
  } catch {
    // suggestions only
  }
  const asked = await showDialog({
    title: trans.__('Hand out to class'),
    body: new HandoutBody(
      trans,
      'handout',
      {
        source,
        assignment: suggestedAssignment(source),
        className
      },
      [],
      templates
    ),
    buttons: [
      Dialog.cancelButton({ label: trans.__('Cancel') }),
      Dialog.okButton({ label: trans.__('Hand out') })
    ],
    focusNodeSelector: source ? 'input[name="class"]' : 'input'
  });
  if (!asked.button.accept || !asked.value) {
    return;
  }
  const { source: src, assignment, className: cls } = asked.value;
  const id = Notification.emit(
    trans.__('Handing out %1…', src),
    'in-progress',
    {
      autoClose: false
    }
  );
  try {
    const result = await model.handOut({
      source: src,
      assignment: assignment || undefined,
      classes: [cls]
    });
    Notification.update({
      id,
      message: trans.__('%1 handed out to %2', result.assignment, cls),
      type: 'success',
      autoClose: 5000
    });
    await showDialog({
      title: trans.__('Hand-out of %1', result.assignment),
      body: ReactWidget.create(
        <HandoutResults students={result.students} trans={trans} />
      ),
      buttons: [Dialog.okButton({ label: trans.__('Done') })]
    });
  } catch (e) {
    Notification.dismiss(id);
    await showErrorMessage(trans.__('Hand-out failed'), errorMessage(e));
  }
}

/** Ask which assignment to collect from which class; show who is missing. */
export async function collect(
  model: LessonModel,
  trans: TranslationBundle,
  className = model.className
): Promise<void> {
  let known: string[] = [];
  try {
    known = (await model.assignments()).map(a => a.name);
  } catch {
    // suggestions only
  }
  const asked = await showDialog({
    title: trans.__('Collect from class'),
    body: new HandoutBody(
      trans,
      'collect',
      { assignment: known[0] ?? '', className },
      known
    ),
    buttons: [
      Dialog.cancelButton({ label: trans.__('Cancel') }),
      Dialog.okButton({ label: trans.__('Collect') })
    ],
    focusNodeSelector: 'input'
  });
  if (!asked.button.accept || !asked.value) {
    return;
  }
  const { assignment, className: cls } = asked.value;
  try {
    const result = await model.collect(assignment, cls);
    await showDialog({
      title: trans.__('Collected into ~/notebooks/%1', result.folder),
      body: ReactWidget.create(
        <div>
          {result.missing.length > 0 ? (
            <p>{trans.__('Missing: %1', result.missing.join(', '))}</p>
          ) : null}
          <HandoutResults students={result.students} trans={trans} />
        </div>
      ),
      buttons: [Dialog.okButton({ label: trans.__('Done') })]
    });
  } catch (e) {
    await showErrorMessage(trans.__('Collect failed'), errorMessage(e));
  }
}
