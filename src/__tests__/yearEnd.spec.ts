import { suggestPromotion, YearEndModel } from '../models/yearEnd';
import { fakeJob } from './jobs';
import { answer, requests, reset } from './mocks/services';

beforeEach(() => reset());

const CLASSES = {
  classes: [
    { name: '11a', members: ['cem'], unix_group: true, gid: 1003 },
    { name: '10a', members: ['anna', 'ben'], unix_group: true, gid: 1001 },
    { name: '12a', members: ['dora', 'emil'], unix_group: true, gid: 1002 },
    { name: 'info', members: ['ben'], unix_group: true, gid: 1004 }
  ]
};

function removed(name: string, members: string[], ok = true) {
  return {
    name,
    action: 'remove',
    members: members.map(m => ({
      name: m,
      ok,
      changed: ok,
      message: ok ? 'removed' : 'userdel failed',
      archive: ok ? `/var/archive/${m}.tar.gz` : null
    })),
    credentials: [],
    summary: `remove for class ${name}`
  };
}

function renamed(name: string, to: string) {
  return {
    name: to,
    action: 'class.rename',
    changed: true,
    message: `renamed ${name} to ${to}`,
    added: [],
    removed: []
  };
}

async function loaded(): Promise<YearEndModel> {
  answer('GET admin/classes', { body: CLASSES });
  const model = new YearEndModel();
  await model.load();
  return model;
}

describe('suggestPromotion', () => {
  it('counts the first number up', () => {
    expect(suggestPromotion('10a')).toBe('11a');
    expect(suggestPromotion('q1')).toBe('q2');
    expect(suggestPromotion('9b')).toBe('10b');
    expect(suggestPromotion('info')).toBe('');
  });
});

describe('YearEndModel', () => {
  it('loads the classes sorted, every one kept', async () => {
    const model = await loaded();
    expect(model.classes.map(c => [c.name, c.decision.action])).toEqual([
      ['10a', 'keep'],
      ['11a', 'keep'],
      ['12a', 'keep'],
      ['info', 'keep']
    ]);
    expect(model.problems()).toEqual([]);
    expect(model.plannedSteps()).toEqual([]);
  });

  it('finds every problem of a plan before anything runs', async () => {
    const model = await loaded();
    model.decide('10a', { action: 'promote', to: '11a' }); // 11a stays: taken
    model.decide('12a', { action: 'promote', to: '12A ' }); // not a class name
    model.decide('info', { action: 'promote', to: 'info' });
    expect(model.problems().map(p => [p.kind, p.name, p.to])).toEqual([
      ['taken', '10a', '11a'],
      ['bad-name', '12a', '12A'],
      ['same-name', 'info', 'info']
    ]);
    model.decide('11a', { action: 'promote', to: '10a' });
    model.decide('12a', { action: 'keep' });
    model.decide('info', { action: 'promote', to: '10a' });
    expect(model.problems().map(p => [p.kind, p.name])).toEqual([
      ['twice', 'info']
    ]);
    model.decide('info', { action: 'keep' });
    expect(model.problems().map(p => [p.kind, p.name])).toEqual([
      ['cycle', '10a'],
      ['cycle', '11a']
    ]);
    await expect(model.run(() => undefined)).rejects.toThrow('cannot run');
    expect(requests.filter(r => r !== 'GET admin/classes')).toEqual([]);
  });

  it('lets leavers go first (export downloaded before removal), then promotes without name clashes', async () => {
    const model = await loaded();
    model.decide('12a', { action: 'leave' });
    model.decide('11a', { action: 'promote', to: '12a' });
    model.decide('10a', { action: 'promote', to: '11a' });
    expect(model.problems()).toEqual([]);
    expect(model.plannedSteps().map(s => [s.action, s.name, s.to])).toEqual([
      ['leave', '12a', null],
      ['promote', '11a', '12a'],
      ['promote', '10a', '11a']
    ]);
    fakeJob('POST admin/classes/12a/export', 'e1', [
      { state: 'running', progress: 'packing dora' },
      {
        state: 'done',
        result: { export: '12a-20270701T100000Z.tar.gz', size: 5 }
      }
    ]);
    answer('GET admin/class-exports/12a-20270701T100000Z.tar.gz', {
      body: 'bytes'
    });
    fakeJob('DELETE admin/classes/12a', 'r1', [
      { state: 'done', result: removed('12a', ['dora', 'emil']) }
    ]);
    answer('POST admin/classes/11a/rename', b => ({
      body: renamed('11a', b.to)
    }));
    answer('POST admin/classes/10a/rename', b => ({
      body: renamed('10a', b.to)
    }));
    const saved: string[] = [];
    const steps = await model.run((data, filename) => {
      saved.push(filename);
      // the class is still there when its export is saved
      expect(requests).not.toContain('DELETE admin/classes/12a');
      expect(data.size).toBeGreaterThan(0);
    });
    expect(saved).toEqual(['12a-20270701T100000Z.tar.gz']);
    expect(steps.map(s => [s.name, s.state])).toEqual([
      ['12a', 'done'],
      ['11a', 'done'],
      ['10a', 'done']
    ]);
    const calls = requests.filter(r => !r.startsWith('GET admin/jobs/'));
    expect(calls).toEqual([
      'GET admin/classes',
      'POST admin/classes/12a/export',
      'GET admin/class-exports/12a-20270701T100000Z.tar.gz',
      'DELETE admin/classes/12a',
      'POST admin/classes/11a/rename',
      'POST admin/classes/10a/rename'
    ]);
    expect(model.summary()).toEqual({
      promoted: 2,
      left: 1,
      removed: 2,
      archives: 2,
      failed: 0
    });
    expect(model.running).toBe(false);
  });

  it('never removes a class whose export failed, and skips the promotion waiting for its name', async () => {
    const model = await loaded();
    model.decide('12a', { action: 'leave' });
    model.decide('11a', { action: 'promote', to: '12a' });
    model.decide('10a', { action: 'promote', to: '11a' });
    model.decide('info', { action: 'promote', to: 'info2' });
    fakeJob('POST admin/classes/12a/export', 'e1', [
      { state: 'failed', error: { message: 'disk full', code: 'failed' } }
    ]);
    answer('POST admin/classes/info/rename', b => ({
      body: renamed('info', b.to)
    }));
    const saved: string[] = [];
    const steps = await model.run((_, f) => saved.push(f));
    expect(saved).toEqual([]);
    expect(steps.map(s => [s.name, s.state, s.error, s.blockedBy])).toEqual([
      ['12a', 'failed', 'disk full', null],
      ['11a', 'skipped', null, '12a'],
      ['info', 'done', null, null],
      ['10a', 'skipped', null, '11a']
    ]);
    expect(requests).not.toContain('DELETE admin/classes/12a');
    expect(requests.filter(r => r.includes('/rename'))).toEqual([
      'POST admin/classes/info/rename'
    ]);
    expect(model.summary().failed).toBe(3);
  });
});
