import { LessonModel } from '../models/lesson';
import { fakeJob } from './jobs';
import { answer, requests, reset } from './mocks/services';

beforeEach(() => reset());

function live(names: string[]) {
  return {
    class: '5a',
    time: '2026-11-30T13:00:00+00:00',
    timings: {},
    students: names.map(name => ({
      name,
      online: true,
      last_activity: null,
      server_running: true,
      server_ready: true,
      server_pending: null,
      server_started: null,
      memory_mb: 120,
      processes: 2,
      kernels: [],
      last_error: null
    }))
  };
}

describe('LessonModel', () => {
  it('shows one class, keeps errors, and refreshes from the hub after a stop', async () => {
    answer('GET admin/live?class=5a', { body: live(['anna', 'ben']) });
    answer('GET admin/live?class=5a&fresh=true', { body: live(['anna']) });
    answer('DELETE admin/users/ben/server', {
      body: { name: 'ben', action: 'stop', changed: true, message: 'stopped' }
    });
    const model = new LessonModel();
    let emitted = 0;
    model.changed.connect(() => (emitted += 1));
    model.className = '5a';
    await model.refresh();
    expect(model.live?.students.map(s => s.name)).toEqual(['anna', 'ben']);
    expect(emitted).toBeGreaterThan(0);

    const change = await model.stopServer('ben');
    expect(change.changed).toBe(true);
    expect(requests).toContain('GET admin/live?class=5a&fresh=true');
    expect(model.live?.students.map(s => s.name)).toEqual(['anna']);
    expect(model.stopping.size).toBe(0);

    answer('GET admin/live?class=5a', {
      status: 404,
      body: { message: "There is no class '5a'.", code: 'not_found' }
    });
    await model.refresh();
    expect(model.error).toBe("There is no class '5a'.");
    model.dispose();
  });

  it('hands out and collects as jobs', async () => {
    fakeJob('POST admin/handouts', 'j1', [
      { state: 'running', progress: 'anna' },
      {
        state: 'done',
        result: { assignment: 'week1', students: [], counts: {} }
      }
    ]);
    fakeJob('POST admin/handouts/week1/collect', 'j2', [
      { state: 'done', result: { folder: 'collected/week1/5a', missing: [] } }
    ]);
    const model = new LessonModel();
    const seen: string[] = [];
    const result = await model.handOut(
      { source: 'week1.ipynb', classes: ['5a'] },
      message => seen.push(message)
    );
    expect(result.assignment).toBe('week1');
    expect(seen).toContain('anna');
    const collected = await model.collect('week1', '5a');
    expect(collected.folder).toBe('collected/week1/5a');
  });

  it('offers the templates to hand out', async () => {
    answer('GET templates', {
      body: {
        templates: [
          {
            name: 'mqtt_java',
            title: 'MQTT in Java',
            description: '',
            language: 'java',
            kernel: 'java',
            source: 'package'
          }
        ]
      }
    });
    const templates = await new LessonModel().templates();
    expect(templates.map(t => t.name)).toEqual(['mqtt_java']);
  });

  it("offers and hands out templates in the teacher's UI language", async () => {
    answer('GET templates?locale=de-DE', { body: { templates: [] } });
    let sent: any = null;
    answer('POST admin/handouts', body => {
      sent = body;
      return { body: { job: 'j3' } };
    });
    answer('GET admin/jobs/j3', {
      body: {
        id: 'j3',
        kind: 'test',
        state: 'done',
        progress: [],
        result: { assignment: 'mqtt_java', students: [], counts: {} },
        error: null
      }
    });
    const model = new LessonModel({ locale: 'de-DE' });
    expect(await model.templates()).toEqual([]);
    expect(requests).toContain('GET templates?locale=de-DE');
    await model.handOut({ source: 'template:mqtt_java', classes: ['5a'] });
    expect(sent).toEqual({
      source: 'template:mqtt_java',
      classes: ['5a'],
      locale: 'de-DE'
    });
  });
});
