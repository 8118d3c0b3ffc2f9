import { TranslationBundle } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';

/**
 * The kernels section of the Classroom sidebar (placeholder; engineer E replaces it).
 */
export function createKernelsPanel(trans: TranslationBundle): Widget {
  const widget = new Widget();
  widget.addClass('jp-classroom-Placeholder');
  widget.node.textContent = trans.__('Kernels will be managed here.');
  widget.title.label = trans.__('Kernels');
  return widget;
}
