import { MainAreaWidget } from '@jupyterlab/apputils';
import { TranslationBundle } from '@jupyterlab/translation';
import { ReactWidget, UseSignal } from '@jupyterlab/ui-components';
import * as React from 'react';

import { ClassTable } from '../components/ClassTable';
import { BulkAction, ClassTableModel } from '../models/classTable';

/** The class table's DOM id (one per Lab). */
export const CLASS_TABLE_ID = 'jp-classroom-class-table';

/** The class table as a main-area panel (the sidebar stays the entry point). */
export function createClassTablePanel(
  trans: TranslationBundle,
  model: ClassTableModel,
  me: string,
  onBulk: (action: BulkAction, names: string[]) => void
): MainAreaWidget {
  const content = ReactWidget.create(
    <UseSignal signal={model.changed}>
      {() => <ClassTable model={model} me={me} trans={trans} onBulk={onBulk} />}
    </UseSignal>
  );
  content.addClass('jp-classroom-ClassTablePanel-content');
  const panel = new MainAreaWidget({ content });
  panel.id = CLASS_TABLE_ID;
  panel.title.label = trans.__('Class');
  panel.title.closable = true;
  return panel;
}
