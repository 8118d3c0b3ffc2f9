import { TranslationBundle } from '@jupyterlab/translation';
import { ReactWidget } from '@jupyterlab/ui-components';
import type { Message } from '@lumino/messaging';
import * as React from 'react';

import { CredentialSheet } from '../components/CredentialSheet';
import { ICredentialRow } from '../credentials';
import { DialogGuard } from './dialogGuard';

/**
 * The body of a credentials dialog: the dialog cannot be closed (button, Escape, Enter,
 * double-click) until the sheet was downloaded or printed.
 */
export class CredentialSheetBody extends ReactWidget {
  constructor(
    private _rows: ICredentialRow[],
    private _trans: TranslationBundle,
    private _keptUntil: string | null = null
  ) {
    super();
    this.addClass('jp-classroom-CredentialSheetBody');
    this._guard.locked = _rows.length > 0;
  }

  /** Whether the sheet was downloaded or printed. */
  get saved(): boolean {
    return !this._guard.locked;
  }

  protected onAfterAttach(msg: Message): void {
    super.onAfterAttach(msg);
    this._guard.attach();
    // the footer exists once the dialog is on the page
    requestAnimationFrame(() => this._guard.sync());
  }

  protected onBeforeDetach(msg: Message): void {
    this._guard.detach();
    super.onBeforeDetach(msg);
  }

  protected render(): JSX.Element {
    return (
      <CredentialSheet
        rows={this._rows}
        trans={this._trans}
        keptUntil={this._keptUntil}
        onSaved={() => {
          this._guard.locked = false;
        }}
      />
    );
  }

  private _guard = new DialogGuard(this);
}
