import { Dialog, showDialog } from '@jupyterlab/apputils';
import { TranslationBundle } from '@jupyterlab/translation';

/** Ask before an action: true when the teacher chose ``label`` (a warning button if ``warn``). */
export async function confirm(
  trans: TranslationBundle,
  title: string,
  body: string,
  label: string,
  warn = false
): Promise<boolean> {
  const answer = await showDialog({
    title,
    body,
    buttons: [
      Dialog.cancelButton({ label: trans.__('Cancel') }),
      warn ? Dialog.warnButton({ label }) : Dialog.okButton({ label })
    ]
  });
  return answer.button.accept;
}

/** Ask before removing something: true when the teacher chose "Remove". */
export async function confirmRemove(
  trans: TranslationBundle,
  title: string,
  body: string
): Promise<boolean> {
  return confirm(trans, title, body, trans.__('Remove'), true);
}
