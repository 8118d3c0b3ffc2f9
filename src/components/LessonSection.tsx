import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

export interface ILessonSectionProps {
  trans: TranslationBundle;
  onLive: () => void;
  onHandOut: () => void;
  onCollect: () => void;
}

/**
 * The "Lesson" section of the Classroom sidebar: the class live panel, hand out, collect.
 */
export function LessonSection(props: ILessonSectionProps): JSX.Element {
  const { trans } = props;
  return (
    <div className="jp-classroom-LessonSection">
      <button
        className="jp-mod-styled jp-mod-accept"
        data-testid="classroom-open-live"
        onClick={props.onLive}
      >
        {trans.__('Class live')}
      </button>
      <button
        className="jp-mod-styled"
        data-testid="classroom-hand-out"
        onClick={props.onHandOut}
      >
        {trans.__('Hand out…')}
      </button>
      <button
        className="jp-mod-styled"
        data-testid="classroom-collect"
        onClick={props.onCollect}
      >
        {trans.__('Collect…')}
      </button>
    </div>
  );
}
