import {
  Dialog,
  InputDialog,
  Notification,
  showDialog,
  showErrorMessage
} from '@jupyterlab/apputils';
import { TranslationBundle } from '@jupyterlab/translation';
import { ReactWidget } from '@jupyterlab/ui-components';
import * as React from 'react';

import { confirm } from './components/confirmRemove';
import { Credentials } from './components/Credentials';
import { SaveCredentials } from './components/SaveCredentials';
import { StudentAction } from './components/StudentItem';
import { ICredentialRow, perUserOrigins, userLabUrl } from './credentials';
import { errorMessage } from './api';
import { BulkAction, ClassTableModel } from './models/classTable';
import { CredentialsModel, sheetRows } from './models/credentials';
import { StudentsModel } from './models/students';
import { Classroom } from './tokens';
import { OpenStudentNotebook } from './viewer';
import { AddStudentBody } from './widgets/AddStudentBody';
import { CredentialSheetBody } from './widgets/CredentialSheetBody';
import { swallowDoubleClick } from './widgets/dialogGuard';
import { NotebookListBody } from './widgets/NotebookListBody';
import { RosterImportBody } from './widgets/RosterImportBody';

/**
 * The teacher's actions: each asks what it needs in a dialog, calls the model and reports.
 */

/** Show a password once. */
export async function showCredentials(
  trans: TranslationBundle,
  title: string,
  credentials: Classroom.ICredentials
): Promise<void> {
  await showDialog({
    title,
    body: ReactWidget.create(
      <Credentials credentials={credentials} trans={trans} />
    ),
    buttons: [Dialog.okButton({ label: trans.__('Done') })]
  });
}

/** Ask for a username (full name, password optional) and create the student. */
export async function addStudent(
  model: StudentsModel,
  trans: TranslationBundle
): Promise<void> {
  const result = await showDialog({
    title: trans.__('Add student'),
    body: new AddStudentBody(trans),
    buttons: [
      Dialog.cancelButton({ label: trans.__('Cancel') }),
      Dialog.okButton({ label: trans.__('Add') })
    ],
    focusNodeSelector: 'input'
  });
  swallowDoubleClick();
  if (!result.button.accept || !result.value) {
    return;
  }
  const values = result.value;
  if (!values.name) {
    await showErrorMessage(
      trans.__('Add student'),
      trans.__('Enter a username.')
    );
    return;
  }
  try {
    const credentials = await model.addStudent(values);
    Notification.success(trans.__('Student %1 added.', credentials.name), {
      autoClose: 5000
    });
    await showCredentials(
      trans,
      trans.__('Student %1 added', credentials.name),
      credentials
    );
  } catch (error) {
    await showErrorMessage(
      trans.__('Could not add the student'),
      error as Error
    );
  }
}

/**
 * Show a credentials sheet in a dialog that stays until the teacher downloaded or printed it
 * (no Escape, no close icon, the button disabled until then).
 */
export async function showSheet(
  trans: TranslationBundle,
  title: string,
  rows: ICredentialRow[],
  keptUntil: string | null = null
): Promise<void> {
  const body = new CredentialSheetBody(rows, trans, keptUntil);
  await showDialog({
    title,
    body,
    hasClose: false,
    buttons: [Dialog.okButton({ label: trans.__('Close') })]
  });
  body.dispose();
}

/** "Get last credentials again": the sheet the service keeps for this teacher. */
export async function showLastSheet(
  credentials: CredentialsModel,
  trans: TranslationBundle
): Promise<void> {
  try {
    const sheet = await credentials.fetch();
    await showSheet(
      trans,
      sheet.kind === 'import'
        ? trans.__('Credentials of the last import')
        : trans.__('The last new passwords'),
      sheetRows(sheet.credentials),
      sheet.expires
    );
  } catch (error) {
    await showErrorMessage(
      trans.__('Could not get the credentials again'),
      error as Error
    );
  }
}

/** New generated passwords for a selection of students: one call, one sheet. */
export async function newPasswordsFor(
  credentials: CredentialsModel,
  model: StudentsModel,
  trans: TranslationBundle,
  names: string[]
): Promise<void> {
  if (names.length === 0) {
    return;
  }
  const ok = await confirm(
    trans,
    trans._n(
      'New password for %1 student',
      'New passwords for %1 students',
      names.length
    ),
    trans.__(
      'Set new generated passwords for: %1. Their old passwords stop working.',
      names.join(', ')
    ),
    trans.__('Set new passwords')
  );
  if (!ok) {
    return;
  }
  try {
    const reply = await credentials.newPasswords(names);
    void model.refresh();
    await showSheet(
      trans,
      trans._n(
        'New password for %1 student',
        'New passwords for %1 students',
        names.length
      ),
      sheetRows(reply.credentials),
      reply.kept?.expires ?? null
    );
  } catch (error) {
    await showErrorMessage(trans.__('New passwords failed'), error as Error);
  }
}

/** The roster import dialog (preview, apply, results, credentials). */
export async function importRoster(
  model: StudentsModel,
  trans: TranslationBundle,
  credentials?: CredentialsModel
): Promise<void> {
  const body = new RosterImportBody(model, trans);
  await showDialog({
    title: trans.__('Import roster'),
    body,
    hasClose: false,
    buttons: [Dialog.cancelButton({ label: trans.__('Close') })]
  });
  // the service keeps the import's passwords for this teacher: offer them again
  void credentials?.refresh();
  const unsaved = body.unsaved;
  if (unsaved.length > 0) {
    // The passwords exist only in this browser now: one more chance to keep them.
    await showDialog({
      title: trans.__('The passwords were not saved'),
      body: ReactWidget.create(
        <SaveCredentials rows={unsaved} trans={trans} />
      ),
      buttons: [Dialog.warnButton({ label: trans.__('Close without saving') })]
    });
  }
  if (body.running) {
    Notification.warning(
      trans.__(
        'The import goes on in the background. Its passwords are shown only in the dialog: reset the passwords of these students to hand them out.'
      )
    );
  }
  body.dispose();
}

/** A toast that names the student: "anna: login disabled, server stopped". */
function report(change: Classroom.IChange): void {
  const text = `${change.name}: ${change.message}`;
  if (change.changed) {
    Notification.success(text, { autoClose: 5000 });
  } else {
    Notification.info(text, { autoClose: 5000 });
  }
}

/**
 * "View notebooks": pick a student (unless given), then one of their notebooks, and open it
 * read-only and untrusted in this Lab (the safe way to look at a student's work).
 */
export async function viewNotebooks(
  model: StudentsModel,
  trans: TranslationBundle,
  open: OpenStudentNotebook,
  name?: string
): Promise<void> {
  let student = name;
  if (!student) {
    const names = model.students.map(s => s.name);
    if (names.length === 0) {
      await model.refresh();
      names.push(...model.students.map(s => s.name));
    }
    if (names.length === 0) {
      await showErrorMessage(
        trans.__('View notebooks'),
        trans.__('There are no students in the class list yet.')
      );
      return;
    }
    const choice = await InputDialog.getItem({
      title: trans.__("View a student's notebooks"),
      label: trans.__('Student'),
      items: names,
      okLabel: trans.__('Next'),
      cancelLabel: trans.__('Cancel')
    });
    if (!choice.button.accept || !choice.value) {
      return;
    }
    student = choice.value;
  }
  let listing: Classroom.INotebookListing;
  try {
    listing = await model.listNotebooks(student);
  } catch (error) {
    await showErrorMessage(
      trans.__('Could not list the notebooks of %1', student),
      error as Error
    );
    return;
  }
  const body = new NotebookListBody(listing, trans);
  const buttons =
    listing.notebooks.length > 0
      ? [
          Dialog.cancelButton({ label: trans.__('Cancel') }),
          Dialog.okButton({ label: trans.__('Open read-only') })
        ]
      : [Dialog.cancelButton({ label: trans.__('Close') })];
  const result = await showDialog({
    title: trans.__('Notebooks of %1', student),
    body,
    buttons
  });
  body.dispose();
  if (result.button.accept && result.value) {
    open(student, result.value);
  }
}

/**
 * Open a student's running JupyterLab (hub admin access). On a hub where every server shares
 * one origin, the student's page runs its JavaScript with the teacher's rights: say so, and
 * offer the read-only view instead. With per-user subdomains it opens right away.
 */
export async function openLiveServer(
  trans: TranslationBundle,
  name: string,
  view?: () => Promise<void>
): Promise<void> {
  if (!perUserOrigins()) {
    const buttons = [Dialog.cancelButton({ label: trans.__('Cancel') })];
    if (view) {
      buttons.push(
        Dialog.okButton({ label: trans.__('View notebooks instead') })
      );
    }
    buttons.push(Dialog.warnButton({ label: trans.__('Open anyway') }));
    const result = await showDialog({
      title: trans.__('Open the live server of %1?', name),
      body: trans.__(
        'On this hub every server shares one web address. The student\'s JupyterLab then runs in your browser with your rights: code the student put into their server can act as you, up to managing the class as root. To look at a student\'s work, use "View notebooks" (a read-only copy in your own JupyterLab). Open the live server only if you trust this student, or run the hub with per-user subdomains.'
      ),
      buttons,
      defaultButton: 0
    });
    if (!result.button.accept) {
      return;
    }
    if (result.button.displayType !== 'warn') {
      await view?.();
      return;
    }
  }
  window.open(userLabUrl(name), '_blank');
}

/** Run one action of the class list on one student. */
export async function studentAction(
  model: StudentsModel,
  trans: TranslationBundle,
  action: StudentAction,
  student: Classroom.IStudent,
  viewer: OpenStudentNotebook | null = null
): Promise<void> {
  const name = student.name;
  try {
    switch (action) {
      case 'reset-password': {
        const ok = await confirm(
          trans,
          trans.__('New password for %1', name),
          trans.__(
            'Set a new generated password for %1? The old password stops working.',
            name
          ),
          trans.__('Set new password')
        );
        if (ok) {
          const credentials = await model.resetPassword(name);
          await showCredentials(
            trans,
            trans.__('New password for %1', name),
            credentials
          );
        }
        break;
      }
      case 'disable':
        if (
          await confirm(
            trans,
            trans.__('Disable %1', name),
            trans.__(
              '%1 will not be able to log in, and a running server is stopped. Files are kept.',
              name
            ),
            trans.__('Disable'),
            true
          )
        ) {
          report(await model.setEnabled(name, false));
        }
        break;
      case 'enable':
        report(await model.setEnabled(name, true));
        break;
      case 'remove': {
        const result = await showDialog({
          title: trans.__('Remove %1', name),
          body: trans.__(
            'The server of %1 is stopped, the hub user removed, and the home folder archived to /var/lib/jupyterhub-classroom/archive/ before the account is deleted.',
            name
          ),
          checkbox: {
            label: trans.__(
              'Keep the system account (only remove the hub user)'
            ),
            checked: false
          },
          buttons: [
            Dialog.cancelButton({ label: trans.__('Cancel') }),
            Dialog.warnButton({ label: trans.__('Remove') })
          ]
        });
        if (result.button.accept) {
          report(await model.remove(name, result.isChecked === true));
        }
        break;
      }
      case 'start':
        report(await model.setServer(name, true));
        break;
      case 'stop':
        report(await model.setServer(name, false));
        break;
      case 'view-notebooks':
        if (viewer) {
          await viewNotebooks(model, trans, viewer, name);
        }
        break;
      case 'open':
        await openLiveServer(
          trans,
          name,
          viewer ? () => viewNotebooks(model, trans, viewer, name) : undefined
        );
        break;
      case 'make-teacher':
        if (
          await confirm(
            trans,
            trans.__('Make %1 a teacher', name),
            trans.__(
              '%1 becomes a hub admin: they can manage the class and open every student server.',
              name
            ),
            trans.__('Make teacher')
          )
        ) {
          report(await model.setTeacher(name, true));
        }
        break;
      case 'unmake-teacher':
        if (
          await confirm(
            trans,
            trans.__('Unmake teacher %1', name),
            trans.__('%1 loses the hub admin rights.', name),
            trans.__('Unmake teacher'),
            true
          )
        ) {
          report(await model.setTeacher(name, false));
        }
        break;
    }
  } catch (error) {
    await showErrorMessage(trans.__('%1 failed', name), error as Error);
  }
}

/**
 * A bulk action of the class table on the selected students: confirmed when it takes
 * something away, then run one student after another; one notification names who changed
 * and who failed.
 */
export async function bulkAction(
  model: StudentsModel,
  credentials: CredentialsModel,
  trans: TranslationBundle,
  action: BulkAction,
  names: string[],
  table?: ClassTableModel
): Promise<void> {
  if (names.length === 0) {
    return;
  }
  if (action === 'move') {
    if (table) {
      await moveStudents(table, trans, names);
    }
    return;
  }
  if (action === 'new-passwords') {
    await newPasswordsFor(credentials, model, trans, names);
    return;
  }
  const list = names.join(', ');
  let keepAccount = false;
  if (action === 'disable') {
    const ok = await confirm(
      trans,
      trans._n('Disable %1 login', 'Disable %1 logins', names.length),
      trans.__(
        'These students will not be able to log in, and their running servers are stopped (files are kept): %1',
        list
      ),
      trans.__('Disable login'),
      true
    );
    if (!ok) {
      return;
    }
  } else if (action === 'remove') {
    const result = await showDialog({
      title: trans._n('Remove %1 student', 'Remove %1 students', names.length),
      body: trans.__(
        'Each server is stopped, the hub user removed, and the home folder archived to /var/lib/jupyterhub-classroom/archive/ before the account is deleted: %1',
        list
      ),
      checkbox: {
        label: trans.__('Keep the system accounts (only remove the hub users)'),
        checked: false
      },
      buttons: [
        Dialog.cancelButton({ label: trans.__('Cancel') }),
        Dialog.warnButton({ label: trans.__('Remove') })
      ]
    });
    if (!result.button.accept) {
      return;
    }
    keepAccount = result.isChecked === true;
  }
  const done: string[] = [];
  const failed: string[] = [];
  for (const name of names) {
    try {
      switch (action) {
        case 'disable':
        case 'enable':
          await model.setEnabled(name, action === 'enable');
          break;
        case 'start':
        case 'stop':
          await model.setServer(name, action === 'start');
          break;
        case 'remove':
          await model.remove(name, keepAccount);
          break;
      }
      done.push(name);
    } catch (error) {
      failed.push(`${name} (${errorMessage(error)})`);
    }
  }
  const verb = {
    disable: trans.__('Login disabled: %1', done.join(', ')),
    enable: trans.__('Login enabled: %1', done.join(', ')),
    start: trans.__('Servers starting: %1', done.join(', ')),
    stop: trans.__('Servers stopped: %1', done.join(', ')),
    remove: trans.__('Removed: %1', done.join(', '))
  }[action];
  if (done.length > 0) {
    Notification.success(verb, { autoClose: 8000 });
  }
  if (failed.length > 0) {
    Notification.error(trans.__('Failed: %1', failed.join('; ')), {
      autoClose: false
    });
  }
}

/**
 * Move the selected students into a class the teacher picks: out of the class the table is
 * filtered by (or out of their one class); one notification per outcome.
 */
async function moveStudents(
  table: ClassTableModel,
  trans: TranslationBundle,
  names: string[]
): Promise<void> {
  let classes: string[];
  try {
    classes = (await table.targetClasses()).filter(
      c => c !== table.classFilter
    );
  } catch (error) {
    await showErrorMessage(trans.__('Move to class'), errorMessage(error));
    return;
  }
  if (classes.length === 0) {
    Notification.warning(
      trans.__(
        'There is no other class: create one first (class actions in the Students section).'
      ),
      { autoClose: 8000 }
    );
    return;
  }
  const choice = await InputDialog.getItem({
    title: trans._n(
      'Move %1 student to a class',
      'Move %1 students to a class',
      names.length
    ),
    label: table.classFilter
      ? trans.__('From %1 to:', table.classFilter)
      : trans.__('To class:'),
    items: classes,
    okLabel: trans.__('Move'),
    cancelLabel: trans.__('Cancel')
  });
  if (!choice.button.accept || !choice.value) {
    return;
  }
  const target = choice.value;
  const result = await table.moveTo(target, names);
  if (result.moved.length > 0) {
    Notification.success(
      trans.__('Moved to %1: %2', target, result.moved.join(', ')),
      { autoClose: 8000 }
    );
  }
  if (result.unchanged.length > 0) {
    Notification.info(
      trans.__('Already in %1: %2', target, result.unchanged.join(', ')),
      { autoClose: 8000 }
    );
  }
  if (result.ambiguous.length > 0) {
    Notification.warning(
      trans.__(
        'Not moved, in several classes (choose the class to move from in the class filter): %1',
        result.ambiguous.join(', ')
      ),
      { autoClose: false }
    );
  }
  if (result.failed.length > 0) {
    Notification.error(trans.__('Not moved: %1', result.failed.join('; ')), {
      autoClose: false
    });
  }
}
