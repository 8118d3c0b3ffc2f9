import { TranslationBundle } from '@jupyterlab/translation';
import { ReactWidget } from '@jupyterlab/ui-components';
import type { Message } from '@lumino/messaging';
import * as React from 'react';

import { RosterImport } from '../components/RosterImport';
import { ICredentialRow } from '../credentials';
import { RosterImportModel } from '../models/rosterImport';
import { StudentsModel } from '../models/students';
import { DialogGuard } from './dialogGuard';

/**
 * The body of the "Import roster" dialog.
 *
 * The dialog answers Enter with its default button; in this body Enter is typed into the
 * username fields of the preview, so it is caught before the dialog sees it. While the import
 * runs or its passwords are neither downloaded nor printed, the dialog cannot be closed
 * (footer disabled, no Escape: DialogGuard; a double-click on "Create" that lands on the
 * footer does nothing).
 */
export class RosterImportBody extends ReactWidget {
  constructor(
    students: StudentsModel,
    private _trans: TranslationBundle
  ) {
    super();
    this._model = new RosterImportModel(() => void students.refresh());
    this.addClass('jp-classroom-RosterImportBody');
    this._model.changed.connect(() => this._lock());
  }

  /** Whether an import job is running (closing now would lose the passwords). */
  get running(): boolean {
    return this._model.step === 'applying';
  }

  /** Passwords of the import that were neither downloaded nor printed yet. */
  get unsaved(): ICredentialRow[] {
    return this._saved ? [] : this._credentials;
  }

  protected onAfterAttach(msg: Message): void {
    super.onAfterAttach(msg);
    window.addEventListener('keydown', this._guard, true);
    this._dialogGuard.attach();
    requestAnimationFrame(() => this._dialogGuard.sync());
  }

  protected onBeforeDetach(msg: Message): void {
    window.removeEventListener('keydown', this._guard, true);
    this._dialogGuard.detach();
    super.onBeforeDetach(msg);
  }

  protected render(): JSX.Element {
    return (
      <RosterImport
        model={this._model}
        trans={this._trans}
        onCredentials={(rows, saved) => {
          this._credentials = rows;
          this._saved = saved;
          this._lock();
        }}
      />
    );
  }

  private _guard = (event: KeyboardEvent): void => {
    const target = event.target as Node | null;
    if (
      event.key === 'Enter' &&
      target instanceof HTMLInputElement &&
      this.node.contains(target)
    ) {
      // Keep the dialog open; the input itself has nothing to do on Enter.
      event.stopPropagation();
      event.preventDefault();
    }
  };

  private _lock(): void {
    this._dialogGuard.locked = this.running || this.unsaved.length > 0;
  }

  private _dialogGuard = new DialogGuard(this);
  private _model: RosterImportModel;
  private _credentials: ICredentialRow[] = [];
  private _saved = false;
}
