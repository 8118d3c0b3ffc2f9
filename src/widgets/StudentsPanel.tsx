import { TranslationBundle } from '@jupyterlab/translation';
import {
  CommandToolbarButton,
  PanelWithToolbar,
  ReactWidget,
  UseSignal
} from '@jupyterlab/ui-components';
import { CommandRegistry } from '@lumino/commands';
import { Widget } from '@lumino/widgets';
import * as React from 'react';

import { showLastSheet, studentAction } from '../actions';
import { classMenuAction } from '../classActions';
import { ClassBar } from '../components/ClassBar';
import { KeptSheetNotice } from '../components/KeptSheetNotice';
import { StudentsView } from '../components/StudentsView';
import { ClassesModel } from '../models/classes';
import { CredentialsModel } from '../models/credentials';
import { StudentsModel } from '../models/students';
import { OpenStudentNotebook } from '../viewer';

/** How often the visible class list is reloaded (ms). */
const REFRESH_INTERVAL = 30_000;

/** Commands shown in the section's title bar. */
export const STUDENT_TOOLBAR_COMMANDS = [
  'classroom:add-student',
  'classroom:import-roster',
  'classroom:refresh'
];

/**
 * The Students section of the Classroom sidebar: the class list and its actions.
 */
export function createStudentsPanel(
  trans: TranslationBundle,
  model: StudentsModel,
  commands: CommandRegistry,
  me: string,
  viewer: OpenStudentNotebook | null = null,
  classes: ClassesModel | null = null,
  lang: 'en' | 'de' = 'en',
  credentials: CredentialsModel | null = null,
  openTable: () => void = () => undefined
): Widget {
  const panel = new PanelWithToolbar();
  panel.id = 'jp-classroom-students';
  panel.addClass('jp-classroom-StudentsPanel');
  panel.title.label = trans.__('Students');
  for (const id of STUDENT_TOOLBAR_COMMANDS) {
    panel.toolbar.addItem(
      id.split(':')[1],
      new CommandToolbarButton({ commands, id, label: '' })
    );
  }
  if (credentials) {
    const notice = ReactWidget.create(
      <UseSignal signal={credentials.changed}>
        {() => (
          <KeptSheetNotice
            kept={credentials.kept}
            trans={trans}
            onGetAgain={() => void showLastSheet(credentials, trans)}
            onOpenTable={openTable}
          />
        )}
      </UseSignal>
    );
    notice.addClass('jp-classroom-StudentsPanel-notice');
    panel.addWidget(notice);
  }
  if (classes) {
    const bar = ReactWidget.create(
      <UseSignal signal={classes.changed}>
        {() => (
          <ClassBar
            model={classes}
            trans={trans}
            onAction={(action, name) =>
              void classMenuAction(classes, model, trans, action, name, lang)
            }
          />
        )}
      </UseSignal>
    );
    bar.addClass('jp-classroom-StudentsPanel-classes');
    panel.addWidget(bar);
  }
  const studentsView = () => (
    <StudentsView
      model={model}
      me={me}
      canView={viewer !== null}
      trans={trans}
      classes={classes ?? undefined}
      onAction={(action, student) =>
        void studentAction(model, trans, action, student, viewer)
      }
    />
  );
  // The list follows both the students and the class filter. Both are signals of their own:
  // `widget.update()` would not do for the second, since React skips re-rendering an
  // unchanged element (the list kept showing every class after a class was chosen, until the
  // next refresh of the students 30 s later).
  const view = ReactWidget.create(
    <UseSignal signal={model.changed}>
      {() =>
        classes ? (
          <UseSignal signal={classes.changed}>{studentsView}</UseSignal>
        ) : (
          studentsView()
        )
      }
    </UseSignal>
  );
  if (classes) {
    // the classes follow the class list
    model.changed.connect(() => {
      if (!model.loading) {
        void classes.refresh();
      }
    });
  }
  view.addClass('jp-classroom-StudentsPanel-content');
  panel.addWidget(view);
  // Keep server state and last activity current while the list is on screen.
  const timer = window.setInterval(() => {
    if (panel.isVisible && !model.loading) {
      void model.refresh();
    }
  }, REFRESH_INTERVAL);
  panel.disposed.connect(() => window.clearInterval(timer));
  return panel;
}
