import { RosterImportModel } from '../models/rosterImport';
import { Classroom } from '../tokens';
import { fakeJob } from './jobs';
import { answer, requests, reset } from './mocks/services';

beforeEach(() => reset());

function item(
  status: Classroom.SyncStatus,
  username: string,
  class_to: string | null,
  class_from: string[] = []
): Classroom.ISyncItem {
  return {
    status,
    line: status === 'gone' ? null : 2,
    username,
    full_name: username.toUpperCase(),
    class_to,
    class_from,
    external_id: null,
    reason: '',
    candidates: []
  };
}

function plan(
  items: Classroom.ISyncItem[],
  new_classes: string[] = []
): Classroom.ISyncPlan {
  const summary: { [s: string]: number } = {};
  for (const i of items) {
    summary[i.status] = (summary[i.status] ?? 0) + 1;
  }
  return { items, classes: ['10a', '10b'], new_classes, summary };
}

function upload(id = 'u1', classes = ['10a', '10b']) {
  return {
    upload: id,
    filename: 'webuntis.csv',
    mapping_needed: false,
    encoding: 'iso-8859-1',
    delimiter: ';',
    columns: [],
    rows: [],
    summary: {},
    classes
  };
}

const RESYNC = plan([
  item('unchanged', 'anna', '10a'),
  item('moved', 'ben', '10b', ['10a']),
  item('new', 'dora', '10a'),
  item('gone', 'cem', null, ['10b']),
  item('gone', 'lea', null, ['10a'])
]);

describe('RosterImportModel: a re-import as a sync', () => {
  it('plans the sync of a file whose classes exist, on by default, with every status', async () => {
    const sent: any[] = [];
    answer('POST admin/roster/uploads?filename=webuntis.csv', {
      body: upload()
    });
    answer('POST admin/class-sync/preview', body => {
      sent.push(body);
      return { body: RESYNC };
    });
    const model = new RosterImportModel();
    await model.chooseFile(new File(['x'], 'webuntis.csv'));
    expect(sent).toEqual([{ upload: 'u1' }]); // the upload's id, never the rows
    expect(model.step).toBe('preview');
    expect(model.existingClasses).toEqual(['10a', '10b']);
    expect(model.syncMode).toBe(true);
    expect(model.syncItems('moved').map(i => i.username)).toEqual(['ben']);
    expect(model.syncItems('gone').map(i => i.username)).toEqual([
      'cem',
      'lea'
    ]);
    expect(model.syncItems('unchanged').map(i => i.username)).toEqual(['anna']);
    // nobody is ticked for removal until the teacher does it
    expect(model.leavers).toEqual([]);
    expect(model.syncChanges).toBe(2);
  });

  it('is off by default for classes that do not exist yet, and can be turned on', async () => {
    answer('POST admin/roster/uploads?filename=webuntis.csv', {
      body: upload()
    });
    answer('POST admin/class-sync/preview', {
      body: plan(
        [item('new', 'anna', '10a'), item('new', 'ben', '10b')],
        ['10a', '10b']
      )
    });
    const model = new RosterImportModel();
    await model.chooseFile(new File(['x'], 'webuntis.csv'));
    expect(model.syncMode).toBe(false);
    expect(model.existingClasses).toEqual([]);
    model.setSyncMode(true);
    expect(model.syncMode).toBe(true);
  });

  it('plans nothing for a file without classes, and keeps a failed plan out of the import', async () => {
    answer('POST admin/roster/uploads?filename=plain.csv', {
      body: upload('u2', [])
    });
    const model = new RosterImportModel();
    await model.chooseFile(new File(['x'], 'plain.csv'));
    expect(requests).not.toContain('POST admin/class-sync/preview');
    expect(model.sync).toBeNull();
    expect(model.syncMode).toBe(false);

    reset();
    answer('POST admin/roster/uploads?filename=webuntis.csv', {
      body: upload('u3')
    });
    answer('POST admin/class-sync/preview', {
      status: 409,
      body: { message: 'Say which column is which first.', code: 'x' }
    });
    await model.chooseFile(new File(['x'], 'webuntis.csv'));
    expect(model.error).toBeNull(); // the plain import still works
    expect(model.syncError).toBe('Say which column is which first.');
    expect(model.syncMode).toBe(false);
  });

  it('ticks only students no longer listed, and applies with exactly them', async () => {
    const sent: any[] = [];
    answer('POST admin/roster/uploads?filename=webuntis.csv', {
      body: upload()
    });
    answer('POST admin/class-sync/preview', { body: RESYNC });
    fakeJob('POST admin/class-sync/apply', 's1', [
      { state: 'running', progress: 'archiving and removing lea' },
      {
        state: 'done',
        result: {
          plan: RESYNC,
          added: [],
          messages: [],
          removed: [
            {
              name: 'lea',
              archive: '/var/lib/x/archive/lea-1.tar.gz',
              message: 'removed'
            }
          ],
          failed: [],
          sheets: {},
          results: [
            {
              username: 'dora',
              full_name: 'DORA',
              ok: true,
              password: 'Pw-1234-abcd',
              generated: true,
              message: 'created',
              class_name: '10a'
            }
          ],
          kept: { kind: 'import', expires: '2026-11-30T20:00:00Z', count: 1 }
        }
      }
    ]);
    // the same start, recording what the model sends
    answer('POST admin/class-sync/apply', body => {
      sent.push(body);
      return { body: { job: 's1' } };
    });
    let imported = 0;
    const model = new RosterImportModel(() => (imported += 1));
    await model.chooseFile(new File(['x'], 'webuntis.csv'));
    model.setLeaver('anna', true); // still listed: cannot be ticked
    model.setLeaver('lea', true);
    model.setLeaver('cem', true);
    model.setLeaver('cem', false);
    expect(model.leavers).toEqual(['lea']);
    expect(model.syncChanges).toBe(3);
    const progress: string[] = [];
    model.changed.connect(() => {
      if (model.step === 'applying' && model.progress.message) {
        progress.push(model.progress.message);
      }
    });
    await model.apply();
    expect(sent).toEqual([{ upload: 'u1', remove: ['lea'] }]);
    expect(requests).not.toContain('POST admin/roster/uploads/u1/apply');
    expect(progress).toContain('archiving and removing lea');
    expect(model.step).toBe('done');
    expect(model.job).toBe('s1');
    expect(model.removed.map(r => r.name)).toEqual(['lea']);
    expect(model.moved.map(i => i.username)).toEqual(['ben']);
    expect(model.credentials).toEqual([
      {
        username: 'dora',
        full_name: 'DORA',
        password: 'Pw-1234-abcd',
        class_name: '10a'
      }
    ]);
    expect(imported).toBe(1);
  });

  it('applies as a plain import when the teacher turns the sync off', async () => {
    answer('POST admin/roster/uploads?filename=webuntis.csv', {
      body: upload()
    });
    answer('POST admin/class-sync/preview', { body: RESYNC });
    fakeJob('POST admin/roster/uploads/u1/apply', 'r1', [
      { state: 'done', result: { results: [] } }
    ]);
    const model = new RosterImportModel();
    await model.chooseFile(new File(['x'], 'webuntis.csv'));
    model.setLeaver('lea', true);
    model.setSyncMode(false);
    await model.apply();
    expect(requests).toContain('POST admin/roster/uploads/u1/apply');
    expect(requests).not.toContain('POST admin/class-sync/apply');
    expect(model.step).toBe('done');
  });

  it('keeps the choices over a re-check of the same file, not for a new file', async () => {
    let id = 'u1';
    answer('POST admin/roster/uploads?filename=webuntis.csv', () => ({
      body: upload(id)
    }));
    answer('POST admin/roster/uploads/u1/preview', { body: upload('u1') });
    answer('POST admin/class-sync/preview', { body: RESYNC });
    const model = new RosterImportModel();
    await model.chooseFile(new File(['x'], 'webuntis.csv'));
    model.setLeaver('lea', true);
    model.setSyncMode(false);
    await model.recheck();
    expect(model.leavers).toEqual(['lea']);
    expect(model.syncMode).toBe(false);
    id = 'u9';
    await model.chooseFile(new File(['x'], 'webuntis.csv'));
    expect(model.leavers).toEqual([]);
    expect(model.syncMode).toBe(true);
  });
});
