import { TranslationBundle } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';

/**
 * The shared libraries section of the Classroom sidebar (placeholder; engineer E replaces it).
 */
export function createLibrariesPanel(trans: TranslationBundle): Widget {
  const widget = new Widget();
  widget.addClass('jp-classroom-Placeholder');
  widget.node.textContent = trans.__('Shared libraries will be managed here.');
  widget.title.label = trans.__('Libraries');
  return widget;
}
