import { Dialog, showDialog } from '@jupyterlab/apputils';
import { TranslationBundle } from '@jupyterlab/translation';

/** Ask before removing something: true when the teacher chose "Remove". */
export async function confirmRemove(
  trans: TranslationBundle,
  title: string,
  body: string
): Promise<boolean> {
  const answer = await showDialog({
    title,
    body,
    buttons: [
      Dialog.cancelButton({ label: trans.__('Cancel') }),
      Dialog.warnButton({ label: trans.__('Remove') })
    ]
  });
  return answer.button.accept;
}
