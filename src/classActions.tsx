import {
  Dialog,
  InputDialog,
  Notification,
  showDialog,
  showErrorMessage
} from '@jupyterlab/apputils';
import { TranslationBundle } from '@jupyterlab/translation';

import * as api from './api';
import { confirm } from './components/confirmRemove';
import { saveFile } from './download';
import { ClassMenuAction } from './components/ClassBar';
import { ClassesModel } from './models/classes';
import { StudentsModel } from './models/students';
import { YearEndModel } from './models/yearEnd';
import { Classroom } from './tokens';
import { endOfSchoolYear } from './yearEnd';

/** Open a page made by the service (the class's slips) in a new window. */
function openPage(html: string): boolean {
  const blob = new Blob([html], { type: 'text/html;charset=utf-8' });
  const url = URL.createObjectURL(blob);
  const win = window.open(url, '_blank');
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  return win !== null;
}

function summarize(result: Classroom.IClassResult): void {
  const failed = result.members.filter(m => !m.ok);
  if (failed.length > 0) {
    Notification.warning(
      `${result.summary}: ${failed.map(m => `${m.name} (${m.message})`).join(', ')}`,
      { autoClose: false }
    );
  } else {
    Notification.success(result.summary, { autoClose: 6000 });
  }
}

/**
 * Run one entry of the class actions menu on ``className``; ``lang`` is the UI language
 * (the slips follow it).
 */
export async function classMenuAction(
  classes: ClassesModel,
  students: StudentsModel,
  trans: TranslationBundle,
  action: ClassMenuAction,
  className: string,
  lang: 'en' | 'de'
): Promise<void> {
  const progress = (message: string) => {
    void message;
  };
  try {
    switch (action) {
      case 'create': {
        const result = await InputDialog.getText({
          title: trans.__('New class'),
          label: trans.__('Class name (e.g. 10a)'),
          okLabel: trans.__('Create')
        });
        if (result.button.accept && result.value) {
          const change = await classes.create(result.value.trim());
          classes.selected = change.name;
          Notification.success(
            trans.__('Class %1: %2', change.name, change.message),
            { autoClose: 5000 }
          );
        }
        break;
      }
      case 'yearend':
        await endOfSchoolYear(new YearEndModel(), classes, students, trans);
        break;
      case 'slips': {
        const result = await showDialog({
          title: trans.__('New passwords for class %1', className),
          body: trans.__(
            'Every student of %1 gets a new generated password; the old ones stop working. The slips show the class, the login address and the new password.',
            className
          ),
          checkbox: {
            label: trans.__('QR code of the login address on each slip'),
            checked: true
          },
          buttons: [
            Dialog.cancelButton({ label: trans.__('Cancel') }),
            Dialog.warnButton({ label: trans.__('Set new passwords') })
          ]
        });
        if (result.button.accept) {
          const done = await classes.newPasswords(
            className,
            lang,
            result.isChecked === true,
            progress
          );
          summarize(done);
          if (done.html && !openPage(done.html)) {
            Notification.warning(
              trans.__('The browser blocked the slips window: allow pop-ups.'),
              { autoClose: false }
            );
          }
          if (done.csv) {
            saveFile(
              new Blob([done.csv], { type: 'text/csv;charset=utf-8' }),
              `credentials-${className}.csv`
            );
          }
        }
        break;
      }
      case 'disable':
        if (
          await confirm(
            trans,
            trans.__('Disable class %1', className),
            trans.__(
              'No student of %1 can log in until you enable the class again; running servers are stopped. Files are kept.',
              className
            ),
            trans.__('Disable'),
            true
          )
        ) {
          summarize(await classes.act(className, 'disable', progress));
        }
        break;
      case 'enable':
      case 'start':
      case 'stop':
        summarize(await classes.act(className, action, progress));
        break;
      case 'remove':
        if (
          await confirm(
            trans,
            trans.__('Remove class %1', className),
            trans.__(
              'Every student of %1 who is in no other class is removed: the home folder is archived first (one archive per student), then the account is deleted. Students in another class keep their account and only leave %1.',
              className
            ),
            trans.__('Remove class'),
            true
          )
        ) {
          summarize(await classes.remove(className, progress));
        }
        break;
    }
  } catch (error) {
    await showErrorMessage(
      trans.__('Class %1', className || '—'),
      api.errorMessage(error)
    );
  } finally {
    void students.refresh();
  }
}
