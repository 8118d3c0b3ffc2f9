import { Dialog } from '@jupyterlab/apputils';
import { Widget } from '@lumino/widgets';

/** A dialog body for editing a kernelspec's env as KEY=VALUE lines (see `parseEnv`). */
export class EnvEditor extends Widget implements Dialog.IBodyWidget<string> {
  constructor(env: { [key: string]: string }, hint: string) {
    super();
    this.addClass('jp-classroom-EnvEditor');
    const p = document.createElement('p');
    p.textContent = hint;
    this._area = document.createElement('textarea');
    this._area.className = 'jp-mod-styled';
    this._area.rows = 8;
    this._area.cols = 60;
    this._area.value = Object.entries(env)
      .map(([k, v]) => `${k}=${v}`)
      .join('\n');
    this.node.append(p, this._area);
  }
  getValue(): string {
    return this._area.value;
  }
  private _area: HTMLTextAreaElement;
}

/** KEY=VALUE lines as an object; throws on a line without '='. */
export function parseEnv(text: string): { [key: string]: string } {
  const env: { [key: string]: string } = {};
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line) {
      continue;
    }
    const eq = line.indexOf('=');
    if (eq <= 0) {
      throw new Error(line);
    }
    env[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  }
  return env;
}
