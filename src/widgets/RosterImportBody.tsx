import { TranslationBundle } from '@jupyterlab/translation';
import { ReactWidget } from '@jupyterlab/ui-components';
import type { Message } from '@lumino/messaging';
import * as React from 'react';

import { RosterImport } from '../components/RosterImport';
import { ICredentialRow } from '../credentials';
import { StudentsModel } from '../models/students';

/**
 * The body of the "Import roster" dialog.
 *
 * The dialog answers Enter with its default button; in this body Enter is typed into the
 * username fields of the preview, so it is caught before the dialog sees it.
 */
export class RosterImportBody extends ReactWidget {
  constructor(
    private _model: StudentsModel,
    private _trans: TranslationBundle
  ) {
    super();
    this.addClass('jp-classroom-RosterImportBody');
  }

  /** Whether an import job is running (closing now would lose the passwords). */
  get running(): boolean {
    return this._running;
  }

  /** Passwords of the import that were neither downloaded nor printed yet. */
  get unsaved(): ICredentialRow[] {
    return this._saved ? [] : this._credentials;
  }

  protected onAfterAttach(msg: Message): void {
    super.onAfterAttach(msg);
    window.addEventListener('keydown', this._guard, true);
  }

  protected onBeforeDetach(msg: Message): void {
    window.removeEventListener('keydown', this._guard, true);
    super.onBeforeDetach(msg);
  }

  protected render(): JSX.Element {
    return (
      <RosterImport
        model={this._model}
        trans={this._trans}
        onRunning={running => {
          this._running = running;
        }}
        onCredentials={(rows, saved) => {
          this._credentials = rows;
          this._saved = saved;
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

  private _running = false;
  private _credentials: ICredentialRow[] = [];
  private _saved = false;
}
