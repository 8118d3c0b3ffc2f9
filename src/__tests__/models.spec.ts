import { BrokerModel } from '../models/broker';
import { IdleTimeoutsModel } from '../models/culling';
import { KernelsModel } from '../models/kernels';
import { LibrariesModel } from '../models/libraries';
import { MqttModel } from '../models/mqtt';
import { RosterImportModel } from '../models/rosterImport';
import { StudentsModel } from '../models/students';
import { fakeJob } from './jobs';
import { answer, requests, reset } from './mocks/services';

beforeEach(() => reset());

function student(
  name: string,
  teacher = false,
  full_name: string | null = null
) {
  return {
    name,
    full_name,
    teacher,
    locked: false,
    system_account: true,
    hub_user: true,
    server_running: false,
    last_activity: null,
    home: `/home/${name}`
  };
}

function jar(file: string, kernels: string[]) {
  return { file, size: 2048, sha256: 'ab'.repeat(32), coords: null, kernels };
}

function kernel(name: string) {
  return {
    name,
    display_name: name,
    language: name,
    location: `/usr/local/share/jupyter/kernels/${name}`,
    env: {},
    classpath: [],
    kind: name,
    shadowed: false
  };
}

describe('StudentsModel', () => {
  it('lists teachers first, filters by the search text and signals changes', async () => {
    answer('GET admin/users', {
      body: {
        users: [
          student('zoe'),
          student('teacher', true),
          student('anna', false, 'Anna Zett')
        ]
      }
    });
    const model = new StudentsModel();
    let emitted = 0;
    model.changed.connect(() => (emitted += 1));
    await model.refresh();
    expect(model.students.map(s => s.name)).toEqual(['teacher', 'anna', 'zoe']);
    expect(model.error).toBeNull();
    expect(model.loading).toBe(false);
    expect(emitted).toBeGreaterThanOrEqual(2);
    model.query = 'zett';
    expect(model.filtered.map(s => s.name)).toEqual(['anna']);
  });

  it('keeps the server message of a failed refresh', async () => {
    answer('GET admin/users', {
      status: 503,
      body: {
        message: 'The classroom service does not answer.',
        code: 'unavailable'
      }
    });
    const model = new StudentsModel();
    await model.refresh();
    expect(model.error).toBe('The classroom service does not answer.');
  });

  it('marks a student busy while an action runs, then reloads', async () => {
    answer('GET admin/users', { body: { users: [student('anna')] } });
    const model = new StudentsModel();
    let busyDuring = false;
    answer('POST admin/users/anna/disable', () => {
      busyDuring = model.isBusy('anna');
      return {
        body: {
          name: 'anna',
          action: 'disable',
          changed: true,
          message: 'locked'
        }
      };
    });
    const change = await model.setEnabled('anna', false);
    expect(change.message).toBe('locked');
    expect(busyDuring).toBe(true);
    expect(model.isBusy('anna')).toBe(false);
    expect(requests).toContain('GET admin/users');
  });

  it('rejects a failed roster import with the job message', async () => {
    answer('GET admin/users', { body: { users: [] } });
    answer('POST admin/roster/uploads?filename=10a.csv', { body: upload() });
    fakeJob('POST admin/roster/uploads/u1/apply', 'r1', [
      {
        state: 'failed',
        error: { message: 'Line 3: no name.', code: 'invalid' }
      }
    ]);
    const students = new StudentsModel();
    const model = new RosterImportModel(() => void students.refresh());
    await model.chooseFile(new File(['x'], '10a.csv'));
    await model.apply();
    expect(model.error).toBe('Line 3: no name.');
    expect(model.step).toBe('preview');
    expect(requests).toContain('GET admin/users');
  });
});

function previewRow(
  line: number,
  action: 'create' | 'refuse',
  username: string | null
) {
  return {
    line,
    input: {
      username: null,
      full_name: 'Jürgen Müller',
      password_given: false
    },
    username,
    suggested: action === 'refuse' ? 'juergen-mueller' : null,
    action,
    reason: action === 'refuse' ? 'taken' : '',
    class_name: '10a',
    external_id: null
  };
}

function upload(rows = [previewRow(2, 'create', 'juergen-mueller')]) {
  return {
    upload: 'u1',
    filename: '10a.csv',
    mapping_needed: false,
    encoding: 'iso-8859-1',
    delimiter: ';',
    columns: [],
    rows,
    summary: {},
    classes: ['10a']
  };
}

describe('RosterImportModel', () => {
  it('uploads the file, asks for a mapping, sends it, checks edits, applies', async () => {
    const sent: any[] = [];
    answer('POST admin/roster/uploads?filename=liste.csv', {
      body: {
        ...upload(),
        rows: undefined,
        mapping_needed: true,
        columns: [
          { index: 0, title: 'A', field: null, samples: ['Müller'] },
          { index: 1, title: 'B', field: null, samples: ['Jürgen'] }
        ]
      }
    });
    answer('POST admin/roster/uploads/u1/preview', body => {
      sent.push(body);
      return {
        body: upload(
          body.edits
            ? [previewRow(2, 'create', 'jm')]
            : [previewRow(2, 'refuse', null)]
        )
      };
    });
    fakeJob('POST admin/roster/uploads/u1/apply', 'r2', [
      {
        state: 'done',
        result: {
          results: [
            {
              username: 'jm',
              full_name: 'Jürgen Müller',
              ok: true,
              password: 'Pw-1234-abcd',
              message: 'created',
              class_name: '10a'
            }
          ]
        }
      }
    ]);
    let imported = 0;
    const model = new RosterImportModel(() => (imported += 1));
    await model.chooseFile(new File(['A;B'], 'liste.csv'));
    expect(model.step).toBe('mapping');
    model.setColumn(0, 'last_name');
    model.setColumn(1, 'first_name');
    model.setColumn(0, 'first_name'); // one column per field
    expect(model.mapping).toEqual({ 0: 'first_name', 1: '' });
    model.setColumn(1, 'last_name');
    await model.submitMapping();
    expect(sent[0]).toEqual({ mapping: { first_name: 0, last_name: 1 } });
    expect(model.step).toBe('preview');
    expect(model.edits).toEqual({ 0: 'juergen-mueller' });
    model.edit(0, ' jm ');
    expect(model.dirty).toBe(true);
    await model.recheck();
    expect(sent[1]).toEqual({ edits: [{ line: 2, username: 'jm' }] });
    expect(model.dirty).toBe(false);
    expect(model.applicable).toBe(1);
    await model.apply();
    expect(model.step).toBe('done');
    expect(model.job).toBe('r2');
    expect(model.credentials).toEqual([
      {
        username: 'jm',
        full_name: 'Jürgen Müller',
        password: 'Pw-1234-abcd',
        class_name: '10a'
      }
    ]);
    expect(imported).toBe(1);
  });

  it('shows the server message of a refused upload', async () => {
    answer('POST admin/roster/uploads?filename=x.xlsx', {
      status: 400,
      body: {
        message: 'This is a spreadsheet, not a CSV file.',
        code: 'not_csv'
      }
    });
    const model = new RosterImportModel();
    await model.chooseFile(new File(['PK'], 'x.xlsx'));
    expect(model.error).toBe('This is a spreadsheet, not a CSV file.');
    expect(model.step).toBe('choose');
  });
});

describe('KernelsModel and LibrariesModel', () => {
  it('reloads the jars (their kernel column) when a kernel is installed', async () => {
    let installed = false;
    answer('GET admin/kernels', () => ({
      body: {
        kernels: installed
          ? [kernel('python3'), kernel('java')]
          : [kernel('python3')]
      }
    }));
    answer('GET admin/jars', () => ({
      body: {
        jars: [jar('csv.jar', installed ? ['java'] : [])],
        trash: [],
        folder: '/opt/libs'
      }
    }));
    answer('GET admin/pylibs', { body: { packages: [], folder: '/opt/py' } });
    fakeJob('POST admin/kernels/java/install', 'k1', [
      {
        state: 'done',
        result: {
          name: 'java',
          action: 'install',
          changed: true,
          message: 'Java installed'
        }
      }
    ]);
    const kernels = new KernelsModel();
    const libraries = new LibrariesModel({ kernels });
    await Promise.all([kernels.refresh(), libraries.refresh()]);
    expect(libraries.jars?.jars[0].kernels).toEqual([]);

    const jarsReloaded = new Promise<void>(resolve =>
      libraries.changed.connect(() => {
        if (libraries.jars?.jars[0].kernels.length) {
          resolve();
        }
      })
    );
    installed = true;
    const change = await kernels.install('java', 'Installing…');
    expect(change.message).toBe('Java installed');
    expect(kernels.kernels?.map(k => k.name)).toEqual(['python3', 'java']);
    expect(kernels.progress).toBeNull();
    await jarsReloaded;
    expect(libraries.jars?.jars[0].kernels).toEqual(['java']);
  });

  it('restores a removed kernel and a removed Python package from the trash', async () => {
    let kernelBack = false;
    let libBack = false;
    answer('GET admin/kernels', () => ({
      body: kernelBack
        ? { kernels: [kernel('python3'), kernel('ir')], trash: [] }
        : { kernels: [kernel('python3')], trash: ['ir'] }
    }));
    answer('GET admin/jars', { body: { jars: [], trash: [], folder: '/l' } });
    answer('GET admin/pylibs', () => ({
      body: libBack
        ? {
            packages: [{ name: 'paho-mqtt', version: '2.1.0' }],
            folder: '/opt/py',
            trash: []
          }
        : { packages: [], folder: '/opt/py', trash: ['paho-mqtt'] }
    }));
    answer('POST admin/kernels/ir/restore', () => {
      kernelBack = true;
      return { body: { name: 'ir', changed: true, message: 'ir: restored' } };
    });
    answer('POST admin/pylibs/paho-mqtt/restore', () => {
      libBack = true;
      return {
        body: { name: 'paho-mqtt', changed: true, message: 'restored' }
      };
    });
    const kernels = new KernelsModel();
    const libraries = new LibrariesModel({ kernels });
    let kernelsChanged = 0;
    kernels.kernelsChanged.connect(() => (kernelsChanged += 1));
    await Promise.all([kernels.refresh(), libraries.refresh()]);
    expect(kernels.trash).toEqual(['ir']);
    expect(libraries.pylibs?.trash).toEqual(['paho-mqtt']);

    expect((await kernels.restore('ir')).message).toBe('ir: restored');
    expect(kernels.kernels?.map(k => k.name)).toEqual(['python3', 'ir']);
    expect(kernels.trash).toEqual([]);
    expect(kernelsChanged).toBe(1); // the jars' kernel column follows

    await libraries.restorePyLib('paho-mqtt');
    expect(libraries.pylibs?.packages.map(p => p.name)).toEqual(['paho-mqtt']);
    expect(libraries.pylibs?.trash).toEqual([]);
    expect(requests).toContain('POST admin/pylibs/paho-mqtt/restore');
  });

  it('keeps a refused restore as a readable error and reloads', async () => {
    answer('GET admin/kernels', {
      body: { kernels: [kernel('python3')], trash: ['python3'] }
    });
    answer('POST admin/kernels/python3/restore', {
      status: 409,
      body: { message: '/k/python3 exists: remove it first', code: 'exists' }
    });
    const kernels = new KernelsModel();
    await kernels.refresh();
    await expect(kernels.restore('python3')).rejects.toThrow(
      '/k/python3 exists: remove it first'
    );
    expect(kernels.trash).toEqual(['python3']);
  });

  it('shows progress during a test and keeps the result', async () => {
    answer('GET admin/kernels', { body: { kernels: [kernel('python3')] } });
    fakeJob('POST admin/kernels/python3/test', 't1', [
      {
        state: 'done',
        result: {
          name: 'python3',
          ok: true,
          seconds_to_ready: 1.2,
          output: '2',
          error: null
        }
      }
    ]);
    const model = new KernelsModel();
    const seen: (string | undefined)[] = [];
    model.changed.connect(() => seen.push(model.progress?.message));
    const result = await model.test('python3', 'Starting python3…');
    expect(result.ok).toBe(true);
    expect(model.results['python3'].output).toBe('2');
    expect(seen).toContain('Starting python3…');
    expect(model.busy).toBe(false);
  });

  it('rejects a failed pip install with the job message and clears the progress', async () => {
    answer('GET admin/pylibs', { body: { packages: [], folder: '/opt/py' } });
    fakeJob('POST admin/pylibs', 'p1', [
      {
        state: 'failed',
        error: { message: 'No matching distribution for nope.', code: 'pip' }
      }
    ]);
    const model = new LibrariesModel();
    await expect(model.installPyLib('nope', 'Starting…')).rejects.toThrow(
      'No matching distribution for nope.'
    );
    expect(model.pylibsProgress).toBeNull();
  });

  it('keeps a failed jar list as an error', async () => {
    answer('GET admin/jars', {
      status: 500,
      body: { message: 'disk full', code: 'internal' }
    });
    const model = new LibrariesModel();
    await model.refreshJars();
    expect(model.jarsError).toBe('disk full');
  });
});

describe('BrokerModel', () => {
  it('loads and saves the class broker', async () => {
    const settings = {
      host: 'broker.school',
      port: 1883,
      tls: false,
      topicPrefix: 'class/{username}/',
      username: '',
      password: ''
    };
    answer('GET admin/broker', { body: { settings } });
    answer('PUT admin/broker', body => ({
      body: { changed: true, settings: body }
    }));
    const model = new BrokerModel();
    await model.refresh();
    expect(model.settings?.host).toBe('broker.school');
    const saved = await model.save({ ...settings, port: 8883, tls: true });
    expect(saved.changed).toBe(true);
    expect(model.settings?.port).toBe(8883);
  });
});

describe('IdleTimeoutsModel', () => {
  it('loads timeouts and capacity, works without the capacity', async () => {
    answer('GET admin/culling', {
      body: { kernel_idle_seconds: 3600, server_idle_seconds: 0 }
    });
    const model = new IdleTimeoutsModel();
    await model.refresh();
    expect(model.timeouts?.kernel_idle_seconds).toBe(3600);
    expect(model.capacity).toBeNull();
    expect(model.error).toBeNull();
    answer('PUT admin/culling', body => ({
      body: { changed: true, timeouts: body }
    }));
    await model.save({ kernel_idle_seconds: 600, server_idle_seconds: 7200 });
    expect(model.timeouts?.server_idle_seconds).toBe(7200);
  });
});

describe('MqttModel', () => {
  it('orders snippets, picks by language and layers the broker settings', async () => {
    answer('GET snippets', {
      body: {
        snippets: [
          {
            name: 'publish',
            language: 'python',
            title: 'Publish',
            description: '',
            order: 2,
            body: 'p',
            source: 'package'
          },
          {
            name: 'connect',
            language: 'python',
            title: 'Connect',
            description: '',
            order: 1,
            body: 'c',
            source: 'package'
          },
          {
            name: 'connect',
            language: 'java',
            title: 'Connect',
            description: '',
            order: 1,
            body: 'cj',
            source: 'package'
          }
        ]
      }
    });
    answer('GET broker', { body: { settings: { host: 'class.host' } } });
    const model = new MqttModel({ user: 'anna' });
    expect(await model.loadSnippets()).toEqual(['connect', 'publish']);
    expect(model.snippet('connect', 'java')?.body).toBe('cj');
    expect(model.snippet('publish', 'java')).toBeNull();
    model.setSettings({ host: 'composite.host', port: 1884 }, {});
    await model.loadClassBroker();
    expect(model.broker.host).toBe('class.host');
    expect(model.broker.port).toBe(1884);
    model.setSettings({}, { host: 'own.host' });
    expect(model.broker.host).toBe('own.host');
    expect(model.user).toBe('anna');
  });

  it('asks for the templates in the UI language (the server owns the translations)', async () => {
    const template = {
      name: 'mqtt_python',
      title: 'MQTT in Python',
      description: 'Ein Temperatursensor',
      language: 'python',
      kernel: 'python3',
      source: 'package',
      translation: 'de'
    };
    answer('GET templates?locale=de-DE', { body: { templates: [template] } });
    const model = new MqttModel({ user: 'anna', locale: 'de-DE' });
    expect(model.locale).toBe('de-DE');
    expect((await model.loadTemplates()).map(t => t.translation)).toEqual([
      'de'
    ]);
    answer('GET templates', { body: { templates: [] } });
    expect(await new MqttModel().loadTemplates()).toEqual([]);
    expect(requests).toEqual(['GET templates?locale=de-DE', 'GET templates']);
  });
});
