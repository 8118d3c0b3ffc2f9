import {
  Dialog,
  Notification,
  showDialog,
  showErrorMessage
} from '@jupyterlab/apputils';
import { TranslationBundle } from '@jupyterlab/translation';
import { ReactWidget } from '@jupyterlab/ui-components';
import * as React from 'react';

import * as api from './api';
import { YearEndSummary } from './components/YearEndSummary';
import { saveFile } from './download';
import { ClassesModel } from './models/classes';
import { StudentsModel } from './models/students';
import {
  IYearEndProblem,
  suggestPromotion,
  YearEndModel
} from './models/yearEnd';
import { YearEndChoiceBody } from './widgets/YearEndChoiceBody';

function problemText(p: IYearEndProblem, trans: TranslationBundle): string {
  switch (p.kind) {
    case 'bad-name':
      return trans.__(
        '"%1" is not a class name: lower-case letters, digits, _ and -, at most 32 characters.',
        p.to
      );
    case 'same-name':
      return trans.__('The new name is the old one: choose another name.');
    case 'taken':
      return trans.__(
        'Class %1 stays: let it move up or leave, or choose another name.',
        p.to
      );
    case 'twice':
      return trans.__('Another class moves up to %1 as well.', p.to);
    case 'cycle':
      return trans.__(
        "The classes move into each other's names (%1 → %2): rename one of them to a free name.",
        p.name,
        p.to
      );
  }
}

/**
 * The guided end of the school year: per class stays / moves up (renamed) / leaves, then
 * the plan to confirm, then the run (a leaving class's export is downloaded before the
 * class is removed) and a summary.
 */
export async function endOfSchoolYear(
  model: YearEndModel,
  classes: ClassesModel,
  students: StudentsModel,
  trans: TranslationBundle
): Promise<void> {
  const title = trans.__('End of school year');
  try {
    await model.load();
  } catch (error) {
    await showErrorMessage(title, api.errorMessage(error));
    return;
  }
  if (model.classes.length === 0) {
    await showDialog({
      title,
      body: trans.__(
        'There are no classes yet: create classes or import a roster with a class column first.'
      ),
      buttons: [Dialog.okButton({ label: trans.__('Close') })]
    });
    return;
  }
  const intro = await showDialog({
    title,
    body: trans.__(
      'For each class, choose: it stays, it moves up (renamed, e.g. 10a → 11a; the students stay in it), or it leaves (everything of the class is downloaded as one archive first, then the class is removed and every home archived). Nothing changes before you confirm the plan at the end.'
    ),
    buttons: [
      Dialog.cancelButton({ label: trans.__('Cancel') }),
      Dialog.okButton({ label: trans.__('Start') })
    ]
  });
  if (!intro.button.accept) {
    return;
  }

  const errors = new Map<string, string>();
  const count = model.classes.length;
  let index = 0;
  for (;;) {
    if (index >= count) {
      const problems = model.problems();
      if (problems.length > 0) {
        errors.clear();
        for (const p of problems) {
          if (!errors.has(p.name)) {
            errors.set(p.name, problemText(p, trans));
          }
        }
        index = model.classes.findIndex(c => errors.has(c.name));
        continue;
      }
      const steps = model.plannedSteps();
      const review = await showDialog({
        title: trans.__('End of school year: the plan'),
        body: ReactWidget.create(
          <YearEndSummary steps={steps} trans={trans} />
        ),
        buttons: [
          Dialog.cancelButton({ label: trans.__('Cancel') }),
          Dialog.createButton({
            label: trans.__('Back'),
            accept: true,
            actions: ['back']
          }),
          ...(steps.length > 0
            ? [Dialog.warnButton({ label: trans.__('Run') })]
            : [])
        ]
      });
      if (review.button.actions.includes('back')) {
        index = count - 1;
        continue;
      }
      if (!review.button.accept || steps.length === 0) {
        return;
      }
      break;
    }
    const entry = model.classes[index];
    const result = await showDialog({
      title: trans.__(
        'End of school year: class %1 (%2 of %3)',
        entry.name,
        index + 1,
        count
      ),
      body: new YearEndChoiceBody(
        trans,
        entry,
        suggestPromotion(entry.name),
        errors.get(entry.name) ?? null
      ),
      buttons: [
        Dialog.cancelButton({ label: trans.__('Cancel') }),
        ...(index > 0
          ? [
              Dialog.createButton({
                label: trans.__('Back'),
                accept: true,
                actions: ['back']
              })
            ]
          : []),
        Dialog.okButton({ label: trans.__('Next') })
      ]
    });
    if (!result.button.accept || !result.value) {
      return;
    }
    model.decide(entry.name, result.value);
    if (result.button.actions.includes('back')) {
      index -= 1;
      continue;
    }
    const own = model
      .problems()
      .find(
        p =>
          p.name === entry.name &&
          (p.kind === 'bad-name' || p.kind === 'same-name')
      );
    if (own) {
      errors.set(entry.name, problemText(own, trans));
      continue;
    }
    errors.delete(entry.name);
    index += 1;
  }

  const id = Notification.emit(
    trans.__('End of school year: working…'),
    'in-progress',
    { autoClose: false }
  );
  const onChanged = () => {
    const step = model.steps.find(s => s.state === 'running');
    if (step) {
      Notification.update({
        id,
        message: trans.__(
          'End of school year: %1 — %2',
          step.name,
          step.progress || '…'
        )
      });
    }
  };
  model.changed.connect(onChanged);
  try {
    await model.run(saveFile);
  } catch (error) {
    await showErrorMessage(title, api.errorMessage(error));
    return;
  } finally {
    model.changed.disconnect(onChanged);
    Notification.dismiss(id);
    void classes.refresh();
    void students.refresh();
  }
  const summary = model.summary();
  await showDialog({
    title:
      summary.failed > 0
        ? trans._n(
            'End of school year: %1 step not done',
            'End of school year: %1 steps not done',
            summary.failed
          )
        : trans.__('End of school year: done'),
    body: ReactWidget.create(
      <div className="jp-classroom-YearEndDone">
        <p data-testid="classroom-yearend-counts">
          {[
            trans._n(
              '%1 class moved up.',
              '%1 classes moved up.',
              summary.promoted
            ),
            trans._n('%1 class left.', '%1 classes left.', summary.left),
            trans._n(
              '%1 student removed, %2 home archived.',
              '%1 students removed, %2 homes archived.',
              summary.removed,
              summary.archives
            )
          ].join(' ')}
        </p>
        <YearEndSummary steps={model.steps} trans={trans} />
      </div>
    ),
    buttons: [Dialog.okButton({ label: trans.__('Close') })]
  });
}
