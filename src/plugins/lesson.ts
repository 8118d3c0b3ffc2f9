import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { Dialog, ICommandPalette, showDialog } from '@jupyterlab/apputils';
import { IDefaultFileBrowser } from '@jupyterlab/filebrowser';
import {
  ITranslator,
  nullTranslator,
  TranslationBundle
} from '@jupyterlab/translation';

import * as api from '../api';
import { collect, handOut } from '../lessonActions';
import { LessonModel } from '../models/lesson';
import { CLASS_LIVE_ID, createClassLivePanel } from '../widgets/ClassLivePanel';
import { LessonCommandIDs } from '../widgets/LessonPanel';
import { CommandIDs } from './classroom';

/**
 * The lesson (issue 13), for teachers: hand out from the file browser, collect, and the
 * "Class live" main-area panel. The Classroom sidebar's "Lesson" section runs these commands.
 */
export const lessonPlugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyterlab-classroom:lesson',
  description:
    'Hand out notebooks to a class, collect them back, see the class live.',
  autoStart: true,
  optional: [ITranslator, ICommandPalette, IDefaultFileBrowser],
  activate: (
    app: JupyterFrontEnd,
    translator: ITranslator | null,
    palette: ICommandPalette | null,
    browser: IDefaultFileBrowser | null
  ) => {
    const trans = (translator ?? nullTranslator).load('jupyterlab_classroom');
    void api
      .whoami()
      .then(who => {
        if (who.hub && who.teacher && who.owner !== false) {
          setup(app, trans, palette, browser, translator?.languageCode ?? '');
        }
      })
      .catch(() => undefined); // the sidebar plugin reports a missing server extension
  }
};

function setup(
  app: JupyterFrontEnd,
  trans: TranslationBundle,
  palette: ICommandPalette | null,
  browser: IDefaultFileBrowser | null,
  locale: string
): void {
  const { commands, shell } = app;
  const model = new LessonModel({ locale });
  let live: ReturnType<typeof createClassLivePanel> | null = null;

  const stopServer = async (name: string): Promise<void> => {
    const answer = await showDialog({
      title: trans.__('Stop the server of %1?', name),
      body: trans.__(
        'Running kernels are ended; saved notebooks stay. The student can start the server again.'
      ),
      buttons: [
        Dialog.cancelButton({ label: trans.__('Cancel') }),
        Dialog.warnButton({ label: trans.__('Stop server') })
      ]
    });
    if (answer.button.accept) {
      try {
        await model.stopServer(name);
      } catch (e) {
        await showDialog({
          title: trans.__('Could not stop the server'),
          body: api.errorMessage(e),
          buttons: [Dialog.okButton()]
        });
      }
    }
  };

  commands.addCommand(LessonCommandIDs.handOut, {
    label: trans.__('Hand Out to Class…'),
    caption: trans.__(
      'Give every student of a class a copy in ~/notebooks/<assignment>/'
    ),
    execute: args => {
      let path = typeof args.path === 'string' ? args.path : '';
      if (!path && args.fromBrowser && browser) {
        const item = browser.selectedItems().next();
        path = item && !item.done ? item.value.path : '';
      }
      return handOut(model, trans, path);
    }
  });
  commands.addCommand(LessonCommandIDs.collect, {
    label: trans.__('Collect from Class…'),
    caption: trans.__(
      'Copy every student’s assignment folder into your ~/notebooks/collected/'
    ),
    execute: () => collect(model, trans)
  });
  commands.addCommand(LessonCommandIDs.classLive, {
    label: trans.__('Class Live'),
    caption: trans.__(
      'Who is online, servers, kernels and memory of a class, refreshed every few seconds'
    ),
    execute: () => {
      if (!live || live.isDisposed) {
        live = createClassLivePanel(trans, {
          model,
          onView: name =>
            void commands.execute(CommandIDs.viewNotebooks, { name }),
          onStop: name => void stopServer(name),
          onHandOut: () => void handOut(model, trans),
          onCollect: () => void collect(model, trans)
        });
      }
      if (!live.isAttached) {
        shell.add(live, 'main');
      }
      shell.activateById(CLASS_LIVE_ID);
    }
  });
  app.contextMenu.addItem({
    command: LessonCommandIDs.handOut,
    args: { fromBrowser: true },
    selector: '.jp-DirListing-item[data-isdir]',
    rank: 60
  });
  const category = trans.__('Classroom');
  for (const command of Object.values(LessonCommandIDs)) {
    palette?.addItem({ command, category });
  }
}
