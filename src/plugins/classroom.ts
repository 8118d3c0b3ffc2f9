import {
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { IEditorServices } from '@jupyterlab/codeeditor';
import { IDocumentManager } from '@jupyterlab/docmanager';
import {
  INotebookWidgetFactory,
  NotebookPanel,
  NotebookWidgetFactory
} from '@jupyterlab/notebook';
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import {
  ITranslator,
  nullTranslator,
  TranslationBundle
} from '@jupyterlab/translation';
import {
  addIcon,
  fileUploadIcon,
  notebookIcon,
  LabIcon,
  refreshIcon,
  SidePanel
} from '@jupyterlab/ui-components';
import { AccordionPanel } from '@lumino/widgets';

import {
  addStudent,
  bulkAction,
  importRoster,
  showLastSheet,
  viewNotebooks
} from '../actions';
import { clockTime } from '../components/CredentialSheet';
import * as api from '../api';
import { setSheetLanguage } from '../credentials';
import { BrokerModel } from '../models/broker';
import { IdleTimeoutsModel } from '../models/culling';
import { KernelsModel } from '../models/kernels';
import { LibrariesModel } from '../models/libraries';
import { ClassesModel } from '../models/classes';
import { ClassTableModel } from '../models/classTable';
import { CredentialsModel } from '../models/credentials';
import { SchoolDefaultsModel } from '../models/school';
import { StudentsModel } from '../models/students';
import { YearEndModel } from '../models/yearEnd';
import { Classroom } from '../tokens';
import {
  IViewerServices,
  OpenStudentNotebook,
  registerViewer
} from '../viewer';
import { createBrokerPanel } from '../widgets/BrokerPanel';
import {
  CLASS_TABLE_ID,
  createClassTablePanel
} from '../widgets/ClassTablePanel';
import { createIdleTimeoutsPanel } from '../widgets/IdleTimeoutsPanel';
import { createKernelsPanel } from '../widgets/KernelsPanel';
import { createLessonPanel } from '../widgets/LessonPanel';
import { createLibrariesPanel } from '../widgets/LibrariesPanel';
import { createNeedsHubPanel } from '../widgets/NeedsHubPanel';
import { createOwnerBanner } from '../widgets/OwnerBanner';
import { createSchoolDefaultsPanel } from '../widgets/SchoolDefaultsPanel';
import { createStudentsPanel } from '../widgets/StudentsPanel';
import { endOfSchoolYear } from '../yearEnd';

/** The sidebar's DOM id (also what tests look for). */
export const SIDEBAR_ID = 'jp-classroom-sidebar';

/** Palette category and command ids. */
export const CommandIDs = {
  open: 'classroom:open',
  addStudent: 'classroom:add-student',
  importRoster: 'classroom:import-roster',
  refresh: 'classroom:refresh',
  viewNotebooks: 'classroom:view-notebooks',
  classTable: 'classroom:open-class-table',
  lastCredentials: 'classroom:last-credentials',
  endOfYear: 'classroom:end-of-school-year'
};

const CLASSROOM_SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 24 24">
  <g class="jp-icon3" fill="#616161">
    <path d="M3 4h18v11H3zm2 2v7h14V6z"/>
    <circle cx="7" cy="18.5" r="1.8"/><circle cx="12" cy="18.5" r="1.8"/><circle cx="17" cy="18.5" r="1.8"/>
    <path d="M7 8h8v1.6H7zm0 2.6h5v1.6H7z"/>
  </g>
</svg>`;

export const classroomIcon = new LabIcon({
  name: 'jupyterlab-classroom:classroom',
  svgstr: CLASSROOM_SVG
});

/**
 * The teacher's Classroom sidebar (only for hub admins; outside a hub it says that it
 * needs JupyterHub; students never see it).
 */
export const classroomPlugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyterlab-classroom:sidebar',
  description:
    'The Classroom sidebar for teachers: students, libraries, kernels, broker.',
  autoStart: true,
  optional: [
    ITranslator,
    ICommandPalette,
    ILayoutRestorer,
    IDocumentManager,
    IRenderMimeRegistry,
    IEditorServices,
    NotebookPanel.IContentFactory,
    INotebookWidgetFactory
  ],
  activate: (
    app: JupyterFrontEnd,
    translator: ITranslator | null,
    palette: ICommandPalette | null,
    restorer: ILayoutRestorer | null,
    docManager: IDocumentManager | null,
    rendermime: IRenderMimeRegistry | null,
    editorServices: IEditorServices | null,
    contentFactory: NotebookPanel.IContentFactory | null,
    notebookFactory: NotebookWidgetFactory.IFactory | null
  ) => {
    const trans = (translator ?? nullTranslator).load('jupyterlab_classroom');
    // the credentials sheet (CSV words and delimiter, slips) follows the UI language
    setSheetLanguage((translator ?? nullTranslator).languageCode);
    // Don't hold up the start of JupyterLab for the whoami round trip.
    void api
      .whoami()
      .then(who => {
        // A teacher visiting a student's server (admin access) manages the class from
        // their own server: the forwarder refuses visitors anyway.
        const mode = !who.hub
          ? 'no-hub'
          : !who.teacher
            ? 'none'
            : who.owner === false
              ? 'visitor'
              : 'teacher';
        document.body.dataset.classroomSidebar = mode;
        if (
          who.hub &&
          who.owner === false &&
          who.server_owner &&
          who.show_server_owner !== false
        ) {
          app.shell.add(createOwnerBanner(trans, who.server_owner), 'top', {
            rank: 900
          });
        }
        if (mode === 'none' || mode === 'visitor') {
          return;
        }
        const viewer = {
          docManager,
          rendermime,
          editorServices,
          contentFactory,
          notebookFactory,
          translator
        };
        setup(app, trans, who, translator, palette, restorer, viewer);
      })
      .catch(reason => {
        document.body.dataset.classroomSidebar = 'error';
        console.error(
          'Classroom: the server extension did not answer whoami; no sidebar.',
          reason
        );
      });
  }
};

function setup(
  app: JupyterFrontEnd,
  trans: TranslationBundle,
  who: Classroom.IWhoAmI,
  translator: ITranslator | null,
  palette: ICommandPalette | null,
  restorer: ILayoutRestorer | null,
  viewerServices: IViewerServices
): void {
  const { commands, shell } = app;
  const sidebar = new SidePanel({ translator: translator ?? undefined });
  sidebar.id = SIDEBAR_ID;
  sidebar.addClass('jp-classroom-Sidebar');
  sidebar.title.icon = classroomIcon;
  sidebar.title.caption = trans.__('Classroom');
  sidebar.node.setAttribute('data-testid', 'classroom-sidebar');

  const category = trans.__('Classroom');
  commands.addCommand(CommandIDs.open, {
    label: trans.__('Open the Classroom sidebar'),
    icon: classroomIcon,
    execute: () => shell.activateById(SIDEBAR_ID)
  });
  palette?.addItem({ command: CommandIDs.open, category });

  if (!who.hub) {
    sidebar.addWidget(createNeedsHubPanel(trans));
  } else {
    // One model per area; a kernel installed or removed reloads the jars' kernel column.
    const model = new StudentsModel();
    const kernels = new KernelsModel();
    const libraries = new LibrariesModel({ kernels });
    const broker = new BrokerModel();
    const idle = new IdleTimeoutsModel();
    const credentials = new CredentialsModel();
    const school = new SchoolDefaultsModel();
    const table = new ClassTableModel(model);
    const classes = new ClassesModel();
    commands.addCommand(CommandIDs.endOfYear, {
      label: trans.__('End of School Year…'),
      caption: trans.__(
        'Per class: move up (rename, e.g. 10a → 11a) or leave (download everything, then remove)'
      ),
      execute: () => endOfSchoolYear(new YearEndModel(), classes, model, trans)
    });
    commands.addCommand(CommandIDs.addStudent, {
      label: trans.__('Add Student…'),
      caption: trans.__('Add one student'),
      icon: addIcon,
      execute: () => addStudent(model, trans)
    });
    commands.addCommand(CommandIDs.importRoster, {
      label: trans.__('Import Roster…'),
      caption: trans.__('Import students from a CSV file'),
      icon: fileUploadIcon,
      execute: () => importRoster(model, trans, credentials)
    });
    commands.addCommand(CommandIDs.lastCredentials, {
      label: () =>
        credentials.kept
          ? trans.__(
              'Get last credentials again (until %1)',
              clockTime(credentials.kept.expires)
            )
          : trans.__('Get last credentials again'),
      isEnabled: () => credentials.kept !== null,
      execute: () => showLastSheet(credentials, trans)
    });
    credentials.changed.connect(() =>
      commands.notifyCommandChanged(CommandIDs.lastCredentials)
    );
    commands.addCommand(CommandIDs.classTable, {
      label: trans.__('Open Class Table'),
      caption: trans.__('The class as a table in the main area'),
      execute: () => {
        const existing = document.getElementById(CLASS_TABLE_ID);
        if (existing) {
          shell.activateById(CLASS_TABLE_ID);
          return;
        }
        const panel = createClassTablePanel(
          trans,
          table,
          who.name,
          (action, names) =>
            void bulkAction(model, credentials, trans, action, names, table)
        );
        shell.add(panel, 'main');
        shell.activateById(panel.id);
      }
    });
    commands.addCommand(CommandIDs.refresh, {
      label: trans.__('Refresh Class List'),
      caption: trans.__('Reload the class list'),
      icon: refreshIcon,
      execute: () => model.refresh()
    });
    const viewer: OpenStudentNotebook | null = registerViewer(
      app,
      viewerServices,
      model,
      trans
    );
    const commandIds = [
      CommandIDs.addStudent,
      CommandIDs.importRoster,
      CommandIDs.refresh,
      CommandIDs.classTable,
      CommandIDs.lastCredentials,
      CommandIDs.endOfYear
    ];
    if (viewer) {
      commands.addCommand(CommandIDs.viewNotebooks, {
        label: trans.__("View a Student's Notebooks…"),
        caption: trans.__(
          "Open a read-only, untrusted copy of a student's notebook in your JupyterLab"
        ),
        icon: notebookIcon,
        execute: args =>
          viewNotebooks(
            model,
            trans,
            viewer,
            typeof args.name === 'string' ? args.name : undefined
          )
      });
      commandIds.push(CommandIDs.viewNotebooks);
    }
    for (const command of commandIds) {
      palette?.addItem({ command, category });
    }
    sidebar.addWidget(
      createStudentsPanel(
        trans,
        model,
        commands,
        who.name,
        viewer,
        classes,
        (translator?.languageCode ?? 'en').startsWith('de') ? 'de' : 'en',
        credentials,
        () => void commands.execute(CommandIDs.classTable)
      )
    );
    sidebar.addWidget(createLessonPanel(trans, commands));
    sidebar.addWidget(createLibrariesPanel(trans, libraries));
    sidebar.addWidget(createKernelsPanel(trans, kernels));
    sidebar.addWidget(createBrokerPanel(trans, app, broker));
    sidebar.addWidget(createIdleTimeoutsPanel(trans, idle));
    sidebar.addWidget(createSchoolDefaultsPanel(trans, school));
    void model.refresh();
    void libraries.refresh();
    void kernels.refresh();
    void broker.refresh();
    void idle.refresh();
    void credentials.refresh();
    void school.refresh();
  }

  shell.add(sidebar, 'left', { rank: 950, type: 'Classroom' });
  restorer?.add(sidebar, SIDEBAR_ID);
  if (who.hub) {
    // The class list gets the most room (once the sections are laid out).
    requestAnimationFrame(() =>
      (sidebar.content as AccordionPanel).setRelativeSizes([3, 1, 1, 1])
    );
  }
}
