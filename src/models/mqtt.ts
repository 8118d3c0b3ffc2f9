import { ISignal, Signal } from '@lumino/signaling';

import * as api from '../api';
import { DEFAULT_BROKER, IBrokerSettings } from '../mqtt/fill';
import { Classroom } from '../tokens';

/**
 * The students' MQTT area: the snippets by name and language, the notebook templates, the
 * class broker (schema defaults < class values < the user's own settings) and the user's
 * name. The MQTT menu, launcher items and commands read it and follow `changed`.
 */
export class MqttModel {
  constructor(options: MqttModel.IOptions = {}) {
    this._user = options.user ?? '';
    this._locale = options.locale ?? '';
  }

  /** The UI language the templates are asked in (e.g. 'de-DE'; '' for the server's default). */
  get locale(): string {
    return this._locale;
  }

  /** Emitted when the snippets, templates, broker or user change. */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /** The broker the snippets and templates are filled with. */
  get broker(): IBrokerSettings {
    return this._broker;
  }

  /** The user name the placeholders get ('student' while unknown). */
  get user(): string {
    return this._user || 'student';
  }

  /** The snippet names in menu order. */
  get snippetNames(): ReadonlyArray<string> {
    return this._snippetNames;
  }

  /** The languages some snippet is written in. */
  get languages(): ReadonlyArray<string> {
    return [...this._languages];
  }

  get templates(): ReadonlyArray<Classroom.ITemplate> {
    return this._templates;
  }

  /** The snippets of that name, by language. */
  snippetsNamed(name: string): ReadonlyMap<string, Classroom.ISnippet> | null {
    return this._byName.get(name) ?? null;
  }

  /** The snippet of that name in that language, or null. */
  snippet(name: string, language: string | null): Classroom.ISnippet | null {
    return (language && this._byName.get(name)?.get(language)) || null;
  }

  template(name: unknown): Classroom.ITemplate | undefined {
    return this._templates.find(t => t.name === name);
  }

  /** Load the snippets from the server. */
  async loadSnippets(): Promise<ReadonlyArray<string>> {
    this.setSnippets(await api.listSnippets());
    return this._snippetNames;
  }

  /** Load the templates from the server. */
  async loadTemplates(): Promise<ReadonlyArray<Classroom.ITemplate>> {
    this._templates = await api.listTemplates(this._locale || undefined);
    this._changed.emit();
    return this._templates;
  }

  /** Read the class broker fresh from the server (overrides.json is read only at start). */
  async loadClassBroker(): Promise<void> {
    this._fresh = await api.classBroker();
    this._updateBroker();
  }

  /** Ask the server who the user is (when the page config does not say). */
  async loadUser(): Promise<void> {
    if (!this._user) {
      this._user = (await api.whoami()).name;
      this._changed.emit();
    }
  }

  /** The broker settings of the settings registry: composite (class) and the user's own. */
  setSettings(
    composite: Partial<IBrokerSettings>,
    own: Partial<IBrokerSettings>
  ): void {
    this._composite = composite;
    this._own = own;
    this._updateBroker();
  }

  setSnippets(snippets: Classroom.ISnippet[]): void {
    const order = new Map<string, number>();
    for (const snippet of snippets) {
      let byLanguage = this._byName.get(snippet.name);
      if (!byLanguage) {
        byLanguage = new Map();
        this._byName.set(snippet.name, byLanguage);
      }
      byLanguage.set(snippet.language, snippet);
      this._languages.add(snippet.language);
      order.set(
        snippet.name,
        Math.min(order.get(snippet.name) ?? Infinity, snippet.order)
      );
    }
    this._snippetNames = [...this._byName.keys()].sort(
      (a, b) => order.get(a)! - order.get(b)! || a.localeCompare(b)
    );
    this._changed.emit();
  }

  private _updateBroker(): void {
    this._broker = {
      ...DEFAULT_BROKER,
      ...this._composite,
      ...this._fresh,
      ...this._own
    };
    this._changed.emit();
  }

  private _broker: IBrokerSettings = { ...DEFAULT_BROKER };
  private _composite: Partial<IBrokerSettings> = {};
  private _fresh: Partial<IBrokerSettings> = {};
  private _own: Partial<IBrokerSettings> = {};
  private _templates: Classroom.ITemplate[] = [];
  private _snippetNames: string[] = [];
  private _byName = new Map<string, Map<string, Classroom.ISnippet>>();
  private _languages = new Set<string>();
  private _user: string;
  private _locale: string;
  private _changed = new Signal<this, void>(this);
}

export namespace MqttModel {
  export interface IOptions {
    /** The user's name if known (the hub's page config). */
    user?: string;
    /** The UI language (ITranslator.languageCode): templates in it where translated. */
    locale?: string;
  }
}
