/**
 * Filling the broker placeholders of snippets and templates, exactly like
 * `provision/snippets.py:fill` on the server (the real tests run that one).
 */

/** The values a snippet or template can use. */
export interface IBrokerValues {
  host: string;
  port: number;
  tls: boolean;
  topic_prefix: string;
  client_id: string;
  username: string;
  password: string;
}

/** The class broker as stored in the `jupyterlab-classroom:mqtt` settings. */
export interface IBrokerSettings {
  host: string;
  port: number;
  tls: boolean;
  topicPrefix: string;
  username: string;
  password: string;
}

export const DEFAULT_BROKER: IBrokerSettings = {
  host: 'localhost',
  port: 1883,
  tls: false,
  topicPrefix: 'class/{username}/',
  username: '',
  password: ''
};

const PLACEHOLDER = /\{\{\s*([a-z_]+)\s*\}\}/g;

function escapeString(value: string): string {
  // Snippets put string placeholders inside "double quotes" (Python and Java alike).
  return value
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/\n/g, '\\n')
    .replace(/\r/g, '\\r');
}

/**
 * Replace `{{name}}` placeholders. In code, `tls` becomes `True`/`False` (Python) or
 * `true`/`false` (Java), `port` an integer and other values are escaped for a double-quoted
 * string; in text (markdown) values go in as they are. Unknown placeholders stay.
 */
export function fillPlaceholders(
  body: string,
  values: IBrokerValues,
  language: string,
  code = true
): string {
  return body.replace(PLACEHOLDER, (match: string, key: string) => {
    if (!(key in values)) {
      return match;
    }
    const value = (values as any)[key];
    if (key === 'tls') {
      if (!code) {
        return value ? 'on' : 'off';
      }
      if (language === 'python') {
        return value ? 'True' : 'False';
      }
      return value ? 'true' : 'false';
    }
    if (key === 'port') {
      return String(Math.trunc(Number(value)));
    }
    return code ? escapeString(String(value)) : String(value);
  });
}

/** A client id of the user plus a short random suffix: two students never share one. */
export function makeClientId(user: string): string {
  const clean = (user || 'student').replace(/[^A-Za-z0-9_-]/g, '').slice(0, 32);
  const suffix = Math.random().toString(36).slice(2, 8).padEnd(6, '0');
  return `${clean || 'student'}-${suffix}`;
}

/** The values for `user` from the class broker settings (a fresh client id each time). */
export function brokerValues(
  settings: IBrokerSettings,
  user: string
): IBrokerValues {
  return {
    host: settings.host,
    port: settings.port,
    tls: settings.tls,
    topic_prefix: settings.topicPrefix.split('{username}').join(user),
    client_id: makeClientId(user),
    username: settings.username,
    password: settings.password
  };
}
