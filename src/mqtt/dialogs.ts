import { Dialog, showDialog } from '@jupyterlab/apputils';
import { TranslationBundle } from '@jupyterlab/translation';

import { INameTitle, NameTitleBody } from '../widgets/NameTitleBody';

/** Ask for a title, file name and description; null when cancelled. */
export async function askNameTitle(
  trans: TranslationBundle,
  heading: string,
  initialTitle: string,
  accept: string
): Promise<INameTitle | null> {
  const result = await showDialog<INameTitle>({
    title: heading,
    body: new NameTitleBody(trans, initialTitle),
    buttons: [
      Dialog.cancelButton({ label: trans.__('Cancel') }),
      Dialog.okButton({ label: accept })
    ],
    focusNodeSelector: 'input'
  });
  return result.button.accept ? result.value : null;
}
