import { ALL_CLASSES, ClassesModel } from '../models/classes';
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
