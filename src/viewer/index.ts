import { JupyterFrontEnd } from '@jupyterlab/application';
import { IEditorServices } from '@jupyterlab/codeeditor';
import { IDocumentManager } from '@jupyterlab/docmanager';
import { NotebookPanel, StaticNotebook } from '@jupyterlab/notebook';
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { ITranslator, TranslationBundle } from '@jupyterlab/translation';

import { StudentsModel } from '../models/students';
import { StudentNotebooksDrive } from './drive';
import { ReadOnlyNotebookFactory, VIEWER_FACTORY } from './factory';
import { viewerPath } from './paths';
import { UntrustedRenderMime } from './rendermime';

export { VIEWER_FACTORY } from './factory';
export { parseViewerPath, VIEWER_DRIVE, viewerPath } from './paths';

/** What the viewer needs from JupyterLab (all provided by a standard Lab). */
export interface IViewerServices {
  docManager: IDocumentManager | null;
  rendermime: IRenderMimeRegistry | null;
  editorServices: IEditorServices | null;
  contentFactory: NotebookPanel.IContentFactory | null;
  notebookFactory: NotebookWidgetFactoryLike | null;
  translator: ITranslator | null;
}

/** The bits of the Lab's own notebook factory whose settings the viewer follows. */
export type NotebookWidgetFactoryLike = {
  editorConfig: StaticNotebook.IEditorConfig;
  notebookConfig: StaticNotebook.INotebookConfig;
};

/**
 * Opens a student's notebook (path relative to ~/notebooks) read-only in this Lab. A failed
 * fetch is reported by JupyterLab itself ("File Load Error") with the service's message.
 */
export type OpenStudentNotebook = (student: string, path: string) => void;

/**
 * Register the `classroom-view:` drive and the read-only notebook factory; returns the
 * function that opens a student's notebook, or null when this Lab lacks a needed service.
 */
export function registerViewer(
  app: JupyterFrontEnd,
  services: IViewerServices,
  model: StudentsModel,
  trans: TranslationBundle
): OpenStudentNotebook | null {
  const { docManager, rendermime, editorServices, contentFactory } = services;
  if (!docManager || !rendermime || !editorServices || !contentFactory) {
    console.warn(
      'Classroom: no document manager, rendermime, editor or notebook content factory: ' +
        "viewing students' notebooks is not available."
    );
    return null;
  }
  const drive = new StudentNotebooksDrive(
    (student, path) => model.fetchNotebook(student, path),
    trans
  );
  app.serviceManager.contents.addDrive(drive);
  const factory = new ReadOnlyNotebookFactory(
    {
      name: VIEWER_FACTORY,
      label: trans.__("Student's notebook (read-only)"),
      modelName: 'notebook',
      fileTypes: ['notebook'],
      defaultFor: [],
      readOnly: true,
      preferKernel: false,
      canStartKernel: false,
      shutdownOnClose: false,
      rendermime: new UntrustedRenderMime(rendermime),
      contentFactory,
      mimeTypeService: editorServices.mimeTypeService,
      editorConfig: services.notebookFactory?.editorConfig,
      notebookConfig: services.notebookFactory?.notebookConfig,
      translator: services.translator ?? undefined
    },
    trans
  );
  app.docRegistry.addWidgetFactory(factory);
  return (student, path) => {
    docManager.openOrReveal(viewerPath(student, path), VIEWER_FACTORY);
  };
}
