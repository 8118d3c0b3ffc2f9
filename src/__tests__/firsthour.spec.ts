import { ClassTableModel } from '../models/classTable';
import { CredentialsModel } from '../models/credentials';
import { StudentsModel } from '../models/students';
import { answer, requests, reset } from './mocks/services';

beforeEach(() => reset());

function student(name: string, extra: object = {}) {
  return {
    name,
    full_name: name.toUpperCase(),
    teacher: false,
    locked: false,
    system_account: true,
    hub_user: true,
    server_running: false,
    last_activity: null,
    home: `/home/${name}`,
    ...extra
  };
}

describe('the class table', () => {
  it('sorts, filters by class and keeps the selection by name', async () => {
    answer('GET admin/users', {
      body: {
        users: [
          student('ben', { classes: ['10a'], locked: true }),
          student('anna', { classes: ['10b'] }),
          student('carl', { classes: ['10a'] })
        ]
      }
    });
    const students = new StudentsModel();
    await students.refresh();
    const table = new ClassTableModel(students);
    expect(table.rows.map(s => s.name)).toEqual(['anna', 'ben', 'carl']);
    table.sortBy('name');
    expect(table.rows.map(s => s.name)).toEqual(['carl', 'ben', 'anna']);
    expect(table.classes).toEqual(['10a', '10b']);
    table.classFilter = '10a';
    expect(table.rows.map(s => s.name)).toEqual(['carl', 'ben']);
    table.toggleAll();
    expect(table.selected).toEqual(['carl', 'ben']);
    table.toggleAll();
    expect(table.selected).toEqual([]);
    table.toggle('ben');
    answer('GET admin/users', { body: { users: [student('anna')] } });
    await students.refresh();
    expect(table.selected).toEqual([]); // ben is gone: no stale selection
  });
});

describe('the kept credentials', () => {
  it('knows the kept sheet and makes new passwords in one call', async () => {
    const kept = {
      kind: 'passwords',
      count: 2,
      expires: new Date(Date.now() + 600_000).toISOString()
    };
    answer('GET admin/credentials/last?format=summary', { body: { kept } });
    const model = new CredentialsModel();
    await model.refresh();
    expect(model.kept?.count).toBe(2);
    let sent: unknown = null;
    answer('POST admin/credentials/new', body => {
      sent = body;
      return {
        body: {
          credentials: [
            { name: 'a', password: 'x', generated: true, full_name: null }
          ],
          kept: { ...kept, count: 1 }
        }
      };
    });
    const reply = await model.newPasswords(['a']);
    expect(reply.credentials[0].password).toBe('x');
    expect(model.kept?.count).toBe(1);
    expect(sent).toEqual({ names: ['a'] });
    expect(requests).toContain('POST admin/credentials/new');
    answer('GET admin/credentials/last?format=summary', {
      body: { kept: { ...kept, expires: '2000-01-01T00:00:00+00:00' } }
    });
    await model.refresh();
    expect(model.kept).toBeNull(); // expired: no button
  });
});
