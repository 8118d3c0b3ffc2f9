import { JupyterFrontEnd } from '@jupyterlab/application';
import { Notification } from '@jupyterlab/apputils';
import { NotebookPanel } from '@jupyterlab/notebook';
import { TranslationBundle } from '@jupyterlab/translation';
import { ReactWidget } from '@jupyterlab/ui-components';
import { Widget } from '@lumino/widgets';
import * as React from 'react';

import { errorMessage } from '../api';
import { BrokerModel } from '../models/broker';
import { BrokerForm } from '../mqtt/BrokerForm';
import { askNameTitle } from '../mqtt/dialogs';
import { displayLanguage, notebookLanguage } from '../mqtt/language';

function currentNotebook(app: JupyterFrontEnd): NotebookPanel | null {
  const widget = app.shell.currentWidget;
  return widget instanceof NotebookPanel ? widget : null;
}

async function addSnippet(
  app: JupyterFrontEnd,
  model: BrokerModel,
  trans: TranslationBundle
): Promise<void> {
  const panel = currentNotebook(app);
  const cell = panel?.content.activeCell;
  if (!panel || !cell || cell.model.type !== 'code') {
    Notification.warning(trans.__('Select a code cell in a notebook first.'), {
      autoClose: 5000
    });
    return;
  }
  const language = notebookLanguage(
    panel,
    app.serviceManager.kernelspecs.specs
  );
  if (!language) {
    Notification.warning(trans.__('Choose a kernel for this notebook first.'), {
      autoClose: 5000
    });
    return;
  }
  const body = cell.model.sharedModel.getSource();
  const answer = await askNameTitle(
    trans,
    trans.__('Add a %1 class snippet', displayLanguage(language)),
    '',
    trans.__('Add')
  );
  if (!answer) {
    return;
  }
  try {
    await model.addSnippet({ language, body, ...answer });
    Notification.success(
      trans.__(
        'Class snippet "%1" added: students see it in the MQTT menu after reloading.',
        answer.title
      ),
      { autoClose: 5000 }
    );
  } catch (e) {
    Notification.error(errorMessage(e), { autoClose: false });
  }
}

async function addTemplate(
  app: JupyterFrontEnd,
  model: BrokerModel,
  trans: TranslationBundle
): Promise<void> {
  const panel = currentNotebook(app);
  if (!panel || !panel.content.model) {
    Notification.warning(trans.__('Open a notebook first.'), {
      autoClose: 5000
    });
    return;
  }
  const title = panel.context.path
    .split('/')
    .pop()!
    .replace(/\.ipynb$/, '');
  const answer = await askNameTitle(
    trans,
    trans.__('Save as class template'),
    title,
    trans.__('Save')
  );
  if (!answer) {
    return;
  }
  try {
    await model.addTemplate({
      ...answer,
      notebook: panel.content.model.toJSON()
    });
    Notification.success(
      trans.__(
        'Class template "%1" saved: students see it in the launcher after reloading.',
        answer.title
      ),
      { autoClose: 5000 }
    );
  } catch (e) {
    Notification.error(errorMessage(e), { autoClose: false });
  }
}

/**
 * The class MQTT broker section of the Classroom sidebar: the broker every student's snippets
 * and templates use, its test, and class snippets and templates.
 */
export function createBrokerPanel(
  trans: TranslationBundle,
  app: JupyterFrontEnd,
  model: BrokerModel
): Widget {
  const widget = ReactWidget.create(
    <BrokerForm
      trans={trans}
      model={model}
      onAddSnippet={() => void addSnippet(app, model, trans)}
      onAddTemplate={() => void addTemplate(app, model, trans)}
    />
  );
  widget.id = 'jp-classroom-broker';
  widget.addClass('jp-classroom-BrokerPanel');
  widget.title.label = trans.__('MQTT broker');
  return widget;
}
