import { JupyterFrontEnd } from '@jupyterlab/application';
import { TranslationBundle } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';

/**
 * The class MQTT broker section of the Classroom sidebar (placeholder; engineer F replaces it).
 */
export function createBrokerPanel(
  trans: TranslationBundle,
  app: JupyterFrontEnd
): Widget {
  void app;
  const widget = new Widget();
  widget.addClass('jp-classroom-Placeholder');
  widget.node.textContent = trans.__('The class MQTT broker will be set here.');
  widget.title.label = trans.__('MQTT broker');
  return widget;
}
