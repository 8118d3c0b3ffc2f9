import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette, Notification } from '@jupyterlab/apputils';
import { PageConfig } from '@jupyterlab/coreutils';
import { ILauncher } from '@jupyterlab/launcher';
import { IMainMenu } from '@jupyterlab/mainmenu';
import { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import {
  ITranslator,
  nullTranslator,
  TranslationBundle
} from '@jupyterlab/translation';
import { LabIcon } from '@jupyterlab/ui-components';
import { ReadonlyPartialJSONObject } from '@lumino/coreutils';
import { Menu } from '@lumino/widgets';

import { MqttAPI } from '../mqtt/api';
import {
  brokerValues,
  DEFAULT_BROKER,
  fillPlaceholders,
  IBrokerSettings
} from '../mqtt/fill';
import { displayLanguage, notebookLanguage } from '../mqtt/language';
import { watchNotebookKernels } from '../mqtt/kernelready';
import { CaptionMenuRenderer } from '../mqtt/menu';
import { requestAPI } from '../request';

/** The plugin id: also the id of the settings (schema/mqtt.json) the teacher's class broker
 * is written into (overrides.json). */
export const MQTT_PLUGIN_ID = 'jupyterlab-classroom:mqtt';

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
 * The students' MQTT menu: snippets in the language of the active notebook's kernel, and
 * notebook templates (launcher, File -> New), all filled with the class broker settings.
 */
export const mqttPlugin: JupyterFrontEndPlugin<void> = {
  id: MQTT_PLUGIN_ID,
  description: 'MQTT snippet menu and notebook templates for students.',
  autoStart: true,
  requires: [INotebookTracker],
  optional: [
    IMainMenu,
    ICommandPalette,
    ILauncher,
    ISettingRegistry,
    ITranslator
  ],
  activate: (
    app: JupyterFrontEnd,
    tracker: INotebookTracker,
    mainMenu: IMainMenu | null,
    palette: ICommandPalette | null,
    launcher: ILauncher | null,
    settingRegistry: ISettingRegistry | null,
    translator: ITranslator | null
  ) => {
    const trans = (translator ?? nullTranslator).load('jupyterlab_classroom');
    const state = new MqttState(app, tracker, trans);
    state.registerCommands();
    // Java notebooks: the real kernel state, and no run lost right after opening
    watchNotebookKernels(tracker);

    // The broker: schema defaults < class values (overrides.json) < the user's own settings.
    // JupyterLab reads overrides.json only when the user's server starts, so the class values
    // are also fetched fresh from our server extension on every page load.
    let composite: Partial<IBrokerSettings> = {};
    let own: Partial<IBrokerSettings> = {};
    let fresh: Partial<IBrokerSettings> = {};
    const update = () => {
      state.broker = { ...DEFAULT_BROKER, ...composite, ...fresh, ...own };
    };
    // Our requests wait until JupyterLab is ready, so they never slow its start down.
    void app.restored
      .then(() => MqttAPI.classBroker())
      .then(values => {
        fresh = values;
        update();
      })
      .catch(reason =>
        console.warn('Classroom MQTT: no class broker from the server', reason)
      );
    if (settingRegistry) {
      void settingRegistry
        .load(MQTT_PLUGIN_ID)
        .then(settings => {
          const read = () => {
            composite = settings.composite as Partial<IBrokerSettings>;
            own = settings.user as Partial<IBrokerSettings>;
            update();
          };
          read();
          settings.changed.connect(read);
        })
        .catch(reason =>
          console.warn(
            'Classroom MQTT: no broker settings, using defaults',
            reason
          )
        );
    }

    void app.restored
      .then(() => MqttAPI.snippets())
      .then(snippets => {
        state.setSnippets(snippets);
        const menu = state.buildMenu();
        mainMenu?.addMenu(menu, true, { rank: 600 });
        for (const name of state.snippetNames) {
          palette?.addItem({
            command: MqttCommandIDs.insert,
            args: { name },
            category: trans.__('MQTT')
          });
        }
      })
      .catch(reason =>
        console.error('Classroom MQTT: could not load the snippets', reason)
      );
    void app.restored
      .then(() => MqttAPI.templates())
      .then(templates => {
        state.templates = templates;
        templates.forEach((template, index) => {
          const args = { name: template.name };
          launcher?.add({
            command: MqttCommandIDs.newFromTemplate,
            args,
            category: trans.__('MQTT Templates'),
            rank: index
          });
          mainMenu?.fileMenu.newMenu.addItem({
            command: MqttCommandIDs.newFromTemplate,
            args,
            rank: 40 + index
          });
          palette?.addItem({
            command: MqttCommandIDs.newFromTemplate,
            args,
            category: trans.__('MQTT')
          });
        });
      })
      .catch(reason =>
        console.error('Classroom MQTT: could not load the templates', reason)
      );
  }
};

/**
 * What the menu needs to know: the snippets by name and language, the class broker, the user.
 */
class MqttState {
  broker: IBrokerSettings = { ...DEFAULT_BROKER };
  templates: MqttAPI.ITemplate[] = [];
  snippetNames: string[] = [];
  private _byName = new Map<string, Map<string, MqttAPI.ISnippet>>();
  private _languages = new Set<string>();
  private _user: string = PageConfig.getOption('hubUser');
  private _watched = new WeakSet<NotebookPanel>();

  constructor(
    private _app: JupyterFrontEnd,
    private _tracker: INotebookTracker,
    private _trans: TranslationBundle
  ) {
    if (!this._user) {
      void _app.restored
        .then(() => requestAPI<{ name: string }>('whoami'))
        .then(who => (this._user = who.name))
        .catch(() => undefined);
    }
    const refresh = () => this.refresh();
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

  get user(): string {
    return this._user || 'student';
  }

  setSnippets(snippets: MqttAPI.ISnippet[]): void {
    const order = new Map<string, number>();
    for (const snippet of snippets) {
      let byLanguage = this._byName.get(snippet.name);
      if (!byLanguage) {
        byLanguage = new Map();
        this._byName.set(snippet.name, byLanguage);
      }
      byLanguage.set(snippet.language, snippet);
      this._languages.add(snippet.language);
      order.set(
        snippet.name,
        Math.min(order.get(snippet.name) ?? Infinity, snippet.order)
      );
    }
    this.snippetNames = [...this._byName.keys()].sort(
      (a, b) => order.get(a)! - order.get(b)! || a.localeCompare(b)
    );
    this.refresh();
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

  private _snippet(name: string): MqttAPI.ISnippet | null {
    const { language } = this.current();
    return (language && this._byName.get(name)?.get(language)) || null;
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
    if (!this._byName.get(name)?.has(language)) {
      const known = [...this._languages].map(displayLanguage).join(', ');
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
        const byLanguage = this._byName.get(name);
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
  ): MqttAPI.ITemplate | undefined {
    return this.templates.find(t => t.name === args.name);
  }

  buildMenu(): Menu {
    const menu = new Menu({
      commands: this._app.commands,
      renderer: new CaptionMenuRenderer()
    });
    menu.id = 'jp-classroom-mqtt-menu';
    menu.title.label = this._trans.__('MQTT');
    for (const name of this.snippetNames) {
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
      brokerValues(this.broker, this.user),
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
      const { template, notebook } = await MqttAPI.template(name);
      const values = brokerValues(this.broker, this.user);
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
        trans.__('Could not create the notebook: %1', String(reason)),
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
