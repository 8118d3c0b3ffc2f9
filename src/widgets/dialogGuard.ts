import { Widget } from '@lumino/widgets';

/**
 * Swallow the double-click that follows a dialog button's click: JupyterLab's main area
 * answers a double-click on its empty tab bar with a new untitled file.
 */
export function swallowDoubleClick(ms = 700): void {
  const stop = (event: Event): void => {
    event.stopPropagation();
    event.preventDefault();
  };
  window.addEventListener('dblclick', stop, true);
  setTimeout(() => window.removeEventListener('dblclick', stop, true), ms);
}

/**
 * Keeps a JupyterLab dialog open while its body holds something that would be lost (passwords
 * not yet saved, an import running): its footer buttons are disabled, and Escape and Enter
 * never reach the dialog. A double-click that lands on the footer after the content shrank
 * does nothing either. Use with `hasClose: false` (no close icon, no click outside).
 */
export class DialogGuard {
  constructor(private _body: Widget) {}

  /** Whether the dialog must stay open. */
  get locked(): boolean {
    return this._locked;
  }
  set locked(value: boolean) {
    this._locked = value;
    this.sync();
  }

  /** Start guarding (call from the body's onAfterAttach). */
  attach(): void {
    window.addEventListener('keydown', this._onKey, true);
    this.sync();
  }

  /** Stop guarding (call from the body's onBeforeDetach). */
  detach(): void {
    window.removeEventListener('keydown', this._onKey, true);
  }

  /** Disable or enable the footer buttons to match `locked`. */
  sync(): void {
    const dialog = this._body.node.closest('.jp-Dialog');
    dialog
      ?.querySelectorAll<HTMLButtonElement>('.jp-Dialog-footer button')
      .forEach(button => {
        button.disabled = this._locked;
        button.setAttribute('aria-disabled', String(this._locked));
      });
  }

  private _onKey = (event: KeyboardEvent): void => {
    if (this._locked && (event.key === 'Escape' || event.key === 'Enter')) {
      const target = event.target as Node | null;
      const inBody = target !== null && this._body.node.contains(target);
      // Enter in a field of the body is the body's own business; Escape never closes.
      if (event.key === 'Escape' || !inBody) {
        event.stopPropagation();
        event.preventDefault();
      }
    }
  };

  private _locked = false;
}
