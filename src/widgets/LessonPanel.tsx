import { TranslationBundle } from '@jupyterlab/translation';
import { ReactWidget } from '@jupyterlab/ui-components';
import { CommandRegistry } from '@lumino/commands';
import { Widget } from '@lumino/widgets';
import * as React from 'react';

import { LessonSection } from '../components/LessonSection';

/** The lesson's commands (registered by the lesson plugin). */
export const LessonCommandIDs = {
  handOut: 'classroom:hand-out',
  collect: 'classroom:collect',
  classLive: 'classroom:class-live'
};

/** The "Lesson" section of the Classroom sidebar (issue 13). */
export function createLessonPanel(
  trans: TranslationBundle,
  commands: CommandRegistry
): Widget {
  const run = (id: string) => (): void => {
    if (commands.hasCommand(id)) {
      void commands.execute(id);
    }
  };
  const widget = ReactWidget.create(
    <LessonSection
      trans={trans}
      onLive={run(LessonCommandIDs.classLive)}
      onHandOut={run(LessonCommandIDs.handOut)}
      onCollect={run(LessonCommandIDs.collect)}
    />
  );
  widget.id = 'jp-classroom-lesson';
  widget.addClass('jp-classroom-LessonPanel');
  widget.title.label = trans.__('Lesson');
  return widget;
}
