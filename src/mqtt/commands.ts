import { JupyterFrontEnd } from '@jupyterlab/application';
import { Notification } from '@jupyterlab/apputils';
import { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import { TranslationBundle } from '@jupyterlab/translation';
import { LabIcon } from '@jupyterlab/ui-components';
import { ReadonlyPartialJSONObject } from '@lumino/coreutils';
import { Menu } from '@lumino/widgets';

import * as api from '../api';
import { errorMessage } from '../api';
import { MqttModel } from '../models/mqtt';
import { Classroom } from '../tokens';
import { brokerValues, fillPlaceholders } from './fill';
import { displayLanguage, notebookLanguage } from './language';
import { CaptionMenuRenderer } from './menu';

export const MqttCommandIDs = {
  insert: 'classroom-mqtt:insert-snippet',
  newFromTemplate: 'classroom-mqtt:new-from-template'
};

const MQTT_SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 24 24">
  <g class="jp-icon3" fill="#616161">
    <circle cx="5" cy="19" r="2.2"/>
    <path d="M3 11.5v2.6a7.4 7.4 0 0 1 6.9 6.9h2.6A10 10 0 0 0 3 11.5z"/>
    <path d="M3 5v2.6A13.4 13.4 0 0 1 16.4 21H19A16 16 0 0 0 3 5z"/>
  </g>
</svg>`;

export const mqttIcon = new LabIcon({
  name: 'jupyterlab-classroom:mqtt',
  svgstr: MQTT_SVG
});

/**
 * The students' MQTT commands and menu over the MQTT model: insert a snippet in the language
 * of the active notebook's kernel, create a notebook from a template.
 */
export class MqttCommands {
  private _watched = new WeakSet<NotebookPanel>();

  constructor(
    private _app: JupyterFrontEnd,
    private _tracker: INotebookTracker,
    private _model: MqttModel,
    private _trans: TranslationBundle
  ) {
    const refresh = () => this.refresh();
    _model.changed.connect(refresh);
    _tracker.currentChanged.connect((_, panel) => {
      if (panel && !this._watched.has(panel)) {
        this._watched.add(panel);
        panel.sessionContext.kernelChanged.connect(refresh);
        panel.sessionContext.sessionChanged.connect(refresh);
        panel.context.ready.then(refresh).catch(() => undefined);
      }
      refresh();
    });
    _app.serviceManager.kernelspecs.specsChanged.connect(refresh);
  }

  refresh(): void {
    this._app.commands.notifyCommandChanged(MqttCommandIDs.insert);
  }

  /** The active notebook and its kernel's language (null while unknown). */
  current(): { panel: NotebookPanel | null; language: string | null } {
    const panel = this._tracker.currentWidget;
    const specs = this._app.serviceManager.kernelspecs.specs;
    return { panel, language: notebookLanguage(panel, specs) };
  }

  private _snippet(name: string): Classroom.ISnippet | null {
    return this._model.snippet(name, this.current().language);
  }

  /** Why the snippet can't be inserted now (a tooltip), or null if it can. */
  private _whyNot(name: string): string | null {
    const { panel, language } = this.current();
    const trans = this._trans;
    if (!panel) {
      return trans.__(
        'Open a notebook first: the snippet goes below its active cell.'
      );
    }
    if (!language) {
      return trans.__(
        'Choose a kernel for this notebook first: the snippet is written in its language.'
      );
    }
    if (!this._model.snippet(name, language)) {
      const known = this._model.languages.map(displayLanguage).join(', ');
      return trans.__(
        'There is no MQTT snippet for %1 notebooks (only for %2).',
        displayLanguage(language),
        known
      );
    }
    return null;
  }

  registerCommands(): void {
    const { commands } = this._app;
    const trans = this._trans;
    commands.addCommand(MqttCommandIDs.insert, {
      label: args => {
        const name = String(args.name ?? '');
        const byLanguage = this._model.snippetsNamed(name);
        const snippet =
          this._snippet(name) ??
          byLanguage?.get('python') ??
          byLanguage?.values().next().value;
        return snippet ? trans.__(snippet.title) : name;
      },
      caption: args => {
        const name = String(args.name ?? '');
        return (
          this._whyNot(name) ?? trans.__(this._snippet(name)?.description ?? '')
        );
      },
      isEnabled: args => this._whyNot(String(args.name ?? '')) === null,
      execute: args => this.insert(String(args.name ?? ''))
    });
    commands.addCommand(MqttCommandIDs.newFromTemplate, {
      label: args => {
        const template = this._template(args);
        return template ? trans.__(template.title) : trans.__('MQTT Notebook');
      },
      caption: args => {
        const template = this._template(args);
        return template ? trans.__(template.description) : '';
      },
      icon: mqttIcon,
      execute: args => this.newFromTemplate(String(args.name ?? ''))
    });
  }

  private _template(
    args: ReadonlyPartialJSONObject
  ): Classroom.ITemplate | undefined {
    return this._model.template(args.name);
  }

  buildMenu(): Menu {
    const menu = new Menu({
      commands: this._app.commands,
      renderer: new CaptionMenuRenderer()
    });
    menu.id = 'jp-classroom-mqtt-menu';
    menu.title.label = this._trans.__('MQTT');
    for (const name of this._model.snippetNames) {
      menu.addItem({ command: MqttCommandIDs.insert, args: { name } });
    }
    return menu;
  }

  /** Insert the snippet in the notebook's language below its active cell. */
  insert(name: string): void {
    const reason = this._whyNot(name);
    const { panel, language } = this.current();
    const snippet = this._snippet(name);
    if (reason || !panel || !language || !snippet) {
      Notification.warning(reason ?? this._trans.__('No such snippet.'), {
        autoClose: 5000
      });
      return;
    }
    const notebook = panel.content;
    const model = notebook.model;
    if (!model) {
      return;
    }
    const source = fillPlaceholders(
      snippet.body.replace(/\n+$/, ''),
      brokerValues(this._model.broker, this._model.user),
      language
    );
    const index = Math.max(0, notebook.activeCellIndex) + 1;
    model.sharedModel.insertCell(index, {
      cell_type: 'code',
      source,
      metadata: {}
    });
    notebook.activeCellIndex = index;
    notebook.deselectAll();
    void notebook.scrollToItem(index);
  }

  /** Create a notebook from a template in the notebooks folder (the server root) and open it. */
  async newFromTemplate(name: string): Promise<void> {
    const trans = this._trans;
    try {
      const { template, notebook } = await api.getTemplate(
        name,
        this._model.locale || undefined
      );
      const values = brokerValues(this._model.broker, this._model.user);
      for (const cell of notebook.cells ?? []) {
        const source = Array.isArray(cell.source)
          ? cell.source.join('')
          : String(cell.source ?? '');
        cell.source = fillPlaceholders(
          source,
          values,
          template.language,
          cell.cell_type === 'code'
        );
      }
      const path = await this._freePath(trans.__(template.title));
      const contents = this._app.serviceManager.contents;
      await contents.save(path, {
        type: 'notebook',
        format: 'json',
        content: notebook
      });
      await this._app.commands.execute('docmanager:open', {
        path,
        factory: 'Notebook',
        kernel: template.kernel ? { name: template.kernel } : undefined
      });
    } catch (reason) {
      Notification.error(
        trans.__('Could not create the notebook: %1', errorMessage(reason)),
        { autoClose: false }
      );
    }
  }

  private async _freePath(title: string): Promise<string> {
    const base = title.replace(/[\\/:*?"<>|]+/g, ' ').trim() || 'MQTT';
    const contents = this._app.serviceManager.contents;
    for (let n = 0; n < 1000; n++) {
      const path = n === 0 ? `${base}.ipynb` : `${base} ${n}.ipynb`;
      try {
        await contents.get(path, { content: false });
      } catch {
        return path; // not found: free
      }
    }
    return `${base} ${Date.now()}.ipynb`;
  }
}
