import { MainAreaWidget } from '@jupyterlab/apputils';
import { TranslationBundle } from '@jupyterlab/translation';
import { ReactWidget } from '@jupyterlab/ui-components';
import { Message } from '@lumino/messaging';
import * as React from 'react';

import {
  ClassLiveView,
  IClassLiveViewProps
} from '../components/ClassLiveView';
import { LessonModel } from '../models/lesson';

/** The DOM id of the class live panel (one per lab). */
export const CLASS_LIVE_ID = 'jp-classroom-class-live';

/** The live table; refreshes only while it is shown. */
class ClassLiveBody extends ReactWidget {
  constructor(private _props: IClassLiveViewProps) {
    super();
    this.addClass('jp-classroom-ClassLivePanel');
  }

  protected render(): JSX.Element {
    return <ClassLiveView {...this._props} />;
  }

  protected onAfterShow(msg: Message): void {
    super.onAfterShow(msg);
    this._props.model.start();
  }

  protected onAfterAttach(msg: Message): void {
    super.onAfterAttach(msg);
    if (this.isVisible) {
      this._props.model.start();
    }
  }

  protected onBeforeHide(msg: Message): void {
    this._props.model.stop();
    super.onBeforeHide(msg);
  }

  protected onBeforeDetach(msg: Message): void {
    this._props.model.stop();
    super.onBeforeDetach(msg);
  }
}

/** The "Class live" main-area panel (issue 13). */
export function createClassLivePanel(
  trans: TranslationBundle,
  props: Omit<IClassLiveViewProps, 'trans'> & { model: LessonModel }
): MainAreaWidget<ReactWidget> {
  const content = new ClassLiveBody({ ...props, trans });
  const widget = new MainAreaWidget({ content });
  widget.id = CLASS_LIVE_ID;
  widget.title.label = trans.__('Class live');
  widget.title.closable = true;
  widget.node.setAttribute('data-testid', 'classroom-class-live');
  return widget;
}
