import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { PageConfig } from '@jupyterlab/coreutils';
import { ILauncher } from '@jupyterlab/launcher';
import { IMainMenu } from '@jupyterlab/mainmenu';
import { INotebookTracker } from '@jupyterlab/notebook';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';

import { MqttModel } from '../models/mqtt';
import { MqttCommandIDs, MqttCommands, mqttIcon } from '../mqtt/commands';
import { IBrokerSettings } from '../mqtt/fill';
import { watchNotebookKernels } from '../mqtt/kernelready';

export { MqttCommandIDs, mqttIcon };

/** The plugin id: also the id of the settings (schema/mqtt.json) the teacher's class broker
 * is written into (overrides.json). */
export const MQTT_PLUGIN_ID = 'jupyterlab-classroom:mqtt';

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
    const model = new MqttModel({
      user: PageConfig.getOption('hubUser'),
      locale: translator?.languageCode
    });
    const commands = new MqttCommands(app, tracker, model, trans);
    commands.registerCommands();
    // Java notebooks: the real kernel state right after opening (JJava's status)
    watchNotebookKernels(tracker);

    // Our requests wait until JupyterLab is ready, so they never slow its start down.
    void app.restored.then(() => model.loadUser()).catch(() => undefined);
    // The broker: schema defaults < class values (overrides.json) < the user's own settings.
    // JupyterLab reads overrides.json only when the user's server starts, so the class values
    // are also fetched fresh from our server extension on every page load.
    void app.restored
      .then(() => model.loadClassBroker())
      .catch(reason =>
        console.warn('Classroom MQTT: no class broker from the server', reason)
      );
    if (settingRegistry) {
      void settingRegistry
        .load(MQTT_PLUGIN_ID)
        .then(settings => {
          const read = () =>
            model.setSettings(
              settings.composite as Partial<IBrokerSettings>,
              settings.user as Partial<IBrokerSettings>
            );
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
      .then(() => model.loadSnippets())
      .then(names => {
        mainMenu?.addMenu(commands.buildMenu(), true, { rank: 600 });
        for (const name of names) {
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
      .then(() => model.loadTemplates())
      .then(templates => {
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
