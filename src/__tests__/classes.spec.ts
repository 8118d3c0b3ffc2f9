import { ALL_CLASSES, ClassesModel } from '../models/classes';
import { ClassTableModel } from '../models/classTable';
import { StudentsModel } from '../models/students';
import { fakeJob } from './jobs';
import { answer, requests, reset } from './mocks/services';

beforeEach(() => reset());

function student(name: string, classes: string[]) {
  return {
    name,
    full_name: null,
    teacher: false,
    locked: false,
    system_account: true,
    hub_user: true,
    server_running: false,
    last_activity: null,
    home: `/home/${name}`,
    classes
  };
}

const CLASSES = {
  classes: [
    { name: 'info', members: ['ben'], unix_group: true, gid: 1002 },
    { name: '10a', members: ['anna', 'ben'], unix_group: true, gid: 1001 }
  ]
};

describe('ClassesModel', () => {
  it('lists classes, filters by the selected class and groups by class', async () => {
    answer('GET admin/classes', { body: CLASSES });
    const model = new ClassesModel();
    await model.refresh();
    expect(model.classes.map(c => c.name)).toEqual(['10a', 'info']);
    const students = [
      student('anna', ['10a']),
      student('ben', ['10a', 'info']),
      student('cem', [])
    ];
    expect(model.filter(students).map(s => s.name)).toEqual([
      'anna',
      'ben',
      'cem'
    ]);
    expect(
      model.groups(students).map(([c, list]) => [c, list.map(s => s.name)])
    ).toEqual([
      ['10a', ['anna', 'ben']],
      ['info', ['ben']],
      [ALL_CLASSES, ['cem']]
    ]);
    let emitted = 0;
    model.changed.connect(() => (emitted += 1));
    model.selected = 'info';
    expect(emitted).toBe(1);
    expect(model.filter(students).map(s => s.name)).toEqual(['ben']);
  });

  it('disables a class through a job and reports the summary', async () => {
    answer('GET admin/classes', { body: CLASSES });
    fakeJob('POST admin/classes/10a/disable', 'j1', [
      {
        state: 'done',
        result: {
          name: '10a',
          action: 'disable',
          members: [],
          credentials: [],
          summary: 'disable for class 10a: 2 changed'
        }
      }
    ]);
    const model = new ClassesModel();
    const result = await model.act('10a', 'disable');
    expect(result.summary).toContain('2 changed');
    expect(requests.some(r => r.startsWith('POST admin/classes/10a'))).toBe(
      true
    );
    expect(model.busy).toBeNull();
  });
});

describe('ClassTableModel.moveTo', () => {
  function change(name: string) {
    return {
      body: {
        name,
        action: 'class.move',
        changed: true,
        message: '',
        added: [],
        removed: []
      }
    };
  }

  it('moves out of the filtered class, or the one class, or into the class; never guesses', async () => {
    answer('GET admin/users', {
      body: {
        users: [
          student('anna', ['10a']),
          student('ben', ['10a', 'info']),
          student('cem', []),
          student('dana', ['10b'])
        ]
      }
    });
    const students = new StudentsModel();
    await students.refresh();
    const table = new ClassTableModel(students);
    const sent: Array<[string, unknown]> = [];
    answer('POST admin/classes/10a/move', body => {
      sent.push(['move 10a', body]);
      return change('10a');
    });
    answer('POST admin/classes/10b/members', body => {
      sent.push(['add 10b', body]);
      return change('10b');
    });

    // all classes shown: anna leaves her one class, cem joins, ben (two classes) is not
    // guessed, dana is in 10b already
    let result = await table.moveTo('10b', ['anna', 'ben', 'cem', 'dana']);
    expect(sent).toEqual([
      ['move 10a', { users: ['anna'], to: '10b' }],
      ['add 10b', { users: ['cem'] }]
    ]);
    expect(result).toEqual({
      moved: ['anna', 'cem'],
      unchanged: ['dana'],
      ambiguous: ['ben'],
      failed: []
    });

    // filtered by 10a: ben moves out of 10a (his other class stays)
    sent.length = 0;
    table.classFilter = '10a';
    result = await table.moveTo('10b', ['ben']);
    expect(sent).toEqual([['move 10a', { users: ['ben'], to: '10b' }]]);
    expect(result.moved).toEqual(['ben']);

    // filtered by 10a, moving to 'info' where ben is already: he still leaves 10a
    sent.length = 0;
    answer('POST admin/classes/10a/move', body => {
      sent.push(['move 10a', body]);
      return change('10a');
    });
    result = await table.moveTo('info', ['ben']);
    expect(sent).toEqual([['move 10a', { users: ['ben'], to: 'info' }]]);
    expect(result.moved).toEqual(['ben']);
  });

  it('names each student the service refused, with its message', async () => {
    answer('GET admin/users', { body: { users: [student('anna', ['10a'])] } });
    const students = new StudentsModel();
    await students.refresh();
    const table = new ClassTableModel(students);
    answer('POST admin/classes/10a/move', {
      status: 404,
      body: { message: 'There is no class 10c.', code: 'not_found' }
    });
    const result = await table.moveTo('10c', ['anna']);
    expect(result.moved).toEqual([]);
    expect(result.failed).toEqual(['anna (There is no class 10c.)']);
    expect(requests.filter(r => r.startsWith('GET admin/users'))).toHaveLength(
      1
    );
  });
});
