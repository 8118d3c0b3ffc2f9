import { DocumentRegistry } from '@jupyterlab/docregistry';
import {
  INotebookModel,
  NotebookPanel,
  NotebookWidgetFactory
} from '@jupyterlab/notebook';
import { TranslationBundle } from '@jupyterlab/translation';
import { refreshIcon, ToolbarButton } from '@jupyterlab/ui-components';
import { Widget } from '@lumino/widgets';

/** The widget factory's name (`docManager.open(path, VIEWER_FACTORY)`). */
export const VIEWER_FACTORY = 'classroom-readonly-notebook';

/**
 * Notebook panels for students' notebooks: read-only, untrusted, and without a kernel.
 *
 * The panel is JupyterLab's own notebook (outputs, Markdown, table of contents, search), on a
 * document from the read-only `classroom-view:` drive. What makes it safe for the teacher:
 * - the rendermime registry it is given renders everything untrusted (no script runs);
 * - no kernel: `canStart: false` disables starting or choosing one, `shouldReuse: false`
 *   keeps it from joining a session that happens to have the same path;
 * - it is not in the notebook tracker, so the notebook commands (run, edit, trust) do not act
 *   on it; its cells come `editable: false` from the drive; the factory is `readOnly`, so
 *   closing never asks to save; and the drive refuses every write.
 */
export class ReadOnlyNotebookFactory extends NotebookWidgetFactory {
  constructor(
    options: NotebookWidgetFactory.IOptions<NotebookPanel>,
    private readonly trans: TranslationBundle
  ) {
    super(options);
  }

  protected createNewWidget(
    context: DocumentRegistry.IContext<INotebookModel>,
    source?: NotebookPanel
  ): NotebookPanel {
    context.sessionContext.kernelPreference = {
      ...context.sessionContext.kernelPreference,
      shouldStart: false,
      canStart: false,
      shouldReuse: false,
      autoStartDefault: false
    };
    context.model.readOnly = true;
    // Nothing can be saved, so nothing is ever "unsaved" (Lab marks a notebook dirty when it
    // adds cell ids or normalizes metadata on load).
    context.model.stateChanged.connect((model, change) => {
      if (change.name === 'dirty' && change.newValue) {
        model.dirty = false;
      }
    });
    const panel = super.createNewWidget(context, source);
    panel.addClass('jp-classroom-ReadOnlyNotebook');
    panel.node.dataset.classroomViewer = 'read-only';
    panel.toolbar.addItem('classroom-viewer-note', this._note());
    panel.toolbar.addItem(
      'classroom-viewer-reload',
      new ToolbarButton({
        icon: refreshIcon,
        tooltip: this.trans.__("Fetch the student's latest saved version"),
        onClick: () => void context.revert()
      })
    );
    return panel;
  }

  private _note(): Widget {
    const note = new Widget();
    note.addClass('jp-classroom-ReadOnlyNotebook-note');
    note.node.textContent = this.trans.__(
      'Read-only copy: no kernel, outputs shown untrusted (scripts do not run)'
    );
    note.node.dataset.testid = 'classroom-viewer-note';
    return note;
  }
}
