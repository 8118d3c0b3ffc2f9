/**
 * A small CSV reader and writer for roster files, used only to keep the passwords a roster
 * brings (the preview answers `password_given`, not the password) and to send the teacher's
 * edited usernames back for a new preview. The server's parser stays the authority.
 */

export interface ICsvRecord {
  /** The line of the file the record starts on (1 = header). */
  line: number;
  fields: string[];
}

/** Split CSV text into records (`;` or `,` delimiter, quotes, BOM, CRLF). */
export function parseCsv(text: string): ICsvRecord[] {
  const source = text.replace(/^\ufeff/, '');
  const firstLine = source.split(/\r?\n/, 1)[0] ?? '';
  const delimiter =
    (firstLine.match(/;/g) ?? []).length > (firstLine.match(/,/g) ?? []).length
      ? ';'
      : ',';
  const records: ICsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let start = 1;
  let i = 0;
  const endRecord = () => {
    fields.push(field);
    if (fields.length > 1 || fields[0].trim() !== '') {
      records.push({ line: start, fields });
    }
    fields = [];
    field = '';
  };
  while (i < source.length) {
    const c = source[i];
    if (quoted) {
      if (c === '"') {
        if (source[i + 1] === '"') {
          field += '"';
          i++;
        } else {
          quoted = false;
        }
      } else {
        if (c === '\n') {
          line++;
        }
        field += c;
      }
    } else if (c === '"') {
      quoted = true;
    } else if (c === delimiter) {
      fields.push(field);
      field = '';
    } else if (c === '\r' || c === '\n') {
      if (c === '\r' && source[i + 1] === '\n') {
        i++;
      }
      endRecord();
      line++;
      start = line;
    } else {
      field += c;
    }
    i++;
  }
  if (field !== '' || fields.length > 0) {
    endRecord();
  }
  return records;
}

/** The index of the header column whose name matches, or -1. */
export function findColumn(header: string[], pattern: RegExp): number {
  return header.findIndex(name => pattern.test(name.trim().toLowerCase()));
}

function quote(value: string): string {
  return '"' + value.replace(/"/g, '""') + '"';
}

/** A roster CSV with the columns username, full name, password. */
export function rosterCsv(
  rows: { username: string; full_name: string; password: string }[]
): string {
  const lines = ['username,full name,password'];
  for (const row of rows) {
    lines.push(
      [row.username, row.full_name, row.password].map(quote).join(',')
    );
  }
  return lines.join('\r\n') + '\r\n';
}
