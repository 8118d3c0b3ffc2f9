import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import { LessonModel } from '../models/lesson';
import { ClassLiveTable } from './ClassLiveTable';
import { useSignal } from './useSignal';

export interface IClassLiveViewProps {
  model: LessonModel;
  trans: TranslationBundle;
  onView: (student: string) => void;
  onStop: (student: string) => void;
  onHandOut: () => void;
  onCollect: () => void;
}

/**
 * The class live panel: a class picker, the actions, the table; refreshed by the model.
 */
export function ClassLiveView(props: IClassLiveViewProps): JSX.Element {
  const { model, trans } = props;
  useSignal(model.changed);
  const [draft, setDraft] = React.useState(model.className);
  const live = model.live;
  return (
    <div className="jp-classroom-ClassLiveView">
      <form
        className="jp-classroom-ClassLiveView-bar"
        onSubmit={event => {
          event.preventDefault();
          model.className = draft.trim();
        }}
      >
        <label>
          {trans.__('Class')}
          <input
            className="jp-mod-styled"
            name="class"
            value={draft}
            placeholder={trans.__('all students')}
            onChange={event => setDraft(event.target.value)}
          />
        </label>
        <button className="jp-mod-styled" type="submit">
          {trans.__('Show')}
        </button>
        <button
          className="jp-mod-styled"
          type="button"
          onClick={props.onHandOut}
        >
          {trans.__('Hand out…')}
        </button>
        <button
          className="jp-mod-styled"
          type="button"
          onClick={props.onCollect}
        >
          {trans.__('Collect…')}
        </button>
        {live ? (
          <span className="jp-classroom-ClassLiveView-time">
            {trans.__('Updated %1', new Date(live.time).toLocaleTimeString())}
          </span>
        ) : null}
      </form>
      {model.error ? (
        <p className="jp-classroom-error" role="alert">
          {model.error}
        </p>
      ) : null}
      {live ? (
        <ClassLiveTable
          students={live.students}
          trans={trans}
          busy={model.stopping}
          onStop={props.onStop}
          onView={props.onView}
        />
      ) : model.error ? null : (
        <p>{trans.__('Loading…')}</p>
      )}
    </div>
  );
}
