import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';

/**
 * The students' MQTT menu: snippets in the language of the active notebook's kernel.
 */
export const mqttPlugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyterlab-classroom:mqtt',
  description: 'MQTT snippet menu and notebook templates for students.',
  autoStart: true,
  activate: (app: JupyterFrontEnd) => {
    void app;
  }
};
