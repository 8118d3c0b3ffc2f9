import { Dialog } from '@jupyterlab/apputils';
import { TranslationBundle } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';

export interface INameTitle {
  name: string;
  title: string;
  description: string;
}

/** A file name from a title: lower case, a-z 0-9 and '_' only. */
export function slug(title: string): string {
  return (
    title
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(/[^a-z0-9]+/g, '_')
      .replace(/^_+|_+$/g, '')
      .slice(0, 64) || 'snippet'
  );
}

/** The body of the class snippet/template dialog: title, file name (follows the title) and description. */
export class NameTitleBody
  extends Widget
  implements Dialog.IBodyWidget<INameTitle>
{
  constructor(trans: TranslationBundle, initialTitle: string) {
    super();
    this.addClass('jp-classroom-NameTitle');
    const field = (label: string, name: string, value: string) => {
      const wrapper = document.createElement('label');
      wrapper.textContent = label;
      const input = document.createElement('input');
      input.className = 'jp-mod-styled';
      input.name = name;
      input.value = value;
      wrapper.appendChild(input);
      this.node.appendChild(wrapper);
      return input;
    };
    this._title = field(trans.__('Title'), 'title', initialTitle);
    this._name = field(
      trans.__('File name (a-z, 0-9, _ and -)'),
      'name',
      slug(initialTitle)
    );
    this._description = field(trans.__('Description'), 'description', '');
    this._title.addEventListener('input', () => {
      if (!this._nameTouched) {
        this._name.value = slug(this._title.value);
      }
    });
    this._name.addEventListener('input', () => (this._nameTouched = true));
  }

  getValue(): INameTitle {
    return {
      name: this._name.value.trim(),
      title: this._title.value.trim(),
      description: this._description.value.trim()
    };
  }

  private _title: HTMLInputElement;
  private _name: HTMLInputElement;
  private _description: HTMLInputElement;
  private _nameTouched = false;
}
