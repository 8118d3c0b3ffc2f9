import { Dialog } from '@jupyterlab/apputils';
import { TranslationBundle } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';

import { IYearEndClass, YearEndDecision } from '../models/yearEnd';

/**
 * The body of one class's step of the end of the school year: keep, promote (rename) to a
 * new name, or leave. `error` says what was wrong with the last answer.
 */
export class YearEndChoiceBody
  extends Widget
  implements Dialog.IBodyWidget<YearEndDecision>
{
  constructor(
    trans: TranslationBundle,
    entry: IYearEndClass,
    suggestion: string,
    error: string | null = null
  ) {
    super();
    this.addClass('jp-classroom-YearEndChoice');
    this.node.setAttribute('data-testid', 'classroom-yearend-choice');
    const members = document.createElement('p');
    const shown = entry.members.slice(0, 12).join(', ');
    members.textContent =
      entry.members.length === 0
        ? trans.__('No students in this class.')
        : trans._n(
            '%1 student: %2',
            '%1 students: %2',
            entry.members.length,
            entry.members.length > 12 ? `${shown}, …` : shown
          );
    this.node.appendChild(members);

    const decision = entry.decision;
    const option = (
      value: YearEndDecision['action'],
      label: string
    ): HTMLInputElement => {
      const wrapper = document.createElement('label');
      wrapper.className = 'jp-classroom-YearEndChoice-option';
      const radio = document.createElement('input');
      radio.type = 'radio';
      radio.name = 'classroom-yearend';
      radio.value = value;
      radio.checked = decision.action === value;
      radio.setAttribute('data-testid', `classroom-yearend-${value}`);
      wrapper.appendChild(radio);
      wrapper.appendChild(document.createTextNode(` ${label}`));
      this.node.appendChild(wrapper);
      return radio;
    };
    option('keep', trans.__('Stays as it is'));
    this._promote = option(
      'promote',
      trans.__('Moves up: rename the class to')
    );
    this._to = document.createElement('input');
    this._to.className = 'jp-mod-styled jp-classroom-YearEndChoice-to';
    this._to.setAttribute('data-testid', 'classroom-yearend-to');
    this._to.setAttribute('aria-label', trans.__('New class name'));
    this._to.value = decision.action === 'promote' ? decision.to : suggestion;
    this._to.addEventListener('input', () => (this._promote.checked = true));
    this._promote.parentElement!.appendChild(this._to);
    this._leave = option(
      'leave',
      trans.__(
        'Leaves the school: download everything of the class (homes, list without passwords), then remove the class; every home is archived first'
      )
    );
    if (error) {
      const alert = document.createElement('div');
      alert.className = 'jp-classroom-error';
      alert.setAttribute('role', 'alert');
      alert.textContent = error;
      this.node.appendChild(alert);
    }
  }

  getValue(): YearEndDecision {
    if (this._promote.checked) {
      return { action: 'promote', to: this._to.value.trim() };
    }
    if (this._leave.checked) {
      return { action: 'leave' };
    }
    return { action: 'keep' };
  }

  private _promote: HTMLInputElement;
  private _leave: HTMLInputElement;
  private _to: HTMLInputElement;
}
