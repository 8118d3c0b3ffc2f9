import { Dialog } from '@jupyterlab/apputils';
import { TranslationBundle } from '@jupyterlab/translation';
import { ReactWidget } from '@jupyterlab/ui-components';
import * as React from 'react';

import { NotebookList } from '../components/NotebookList';
import { Classroom } from '../tokens';

/**
 * The body of the "View notebooks" dialog; its value is the chosen notebook's path
 * (relative to the student's ~/notebooks), or null.
 */
export class NotebookListBody
  extends ReactWidget
  implements Dialog.IBodyWidget<string | null>
{
  constructor(
    private readonly _listing: Classroom.INotebookListing,
    private readonly _trans: TranslationBundle
  ) {
    super();
    this.addClass('jp-classroom-NotebookListBody');
    this._selected = _listing.notebooks[0]?.path ?? null;
  }

  getValue(): string | null {
    return this._selected;
  }

  protected render(): JSX.Element {
    return (
      <NotebookList
        listing={this._listing}
        selected={this._selected}
        trans={this._trans}
        onSelect={path => {
          this._selected = path;
          this.update();
        }}
        onOpen={path => {
          this._selected = path;
          this.update();
          // The dialog's own Enter handling accepts it with the current value.
          this.node.dispatchEvent(
            new KeyboardEvent('keydown', { key: 'Enter', bubbles: true })
          );
        }}
      />
    );
  }

  private _selected: string | null;
}
