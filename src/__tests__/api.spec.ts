import {
  applyUpload,
  ClassroomAPIError,
  credentialsSheet,
  uploadRoster,
  errorMessage,
  installKernel,
  listStudents,
  pollJob,
  readableMessage
} from '../api';
import { fakeJob } from './jobs';
import { answer, requests, reset } from './mocks/services';

beforeEach(() => reset());

describe('readableMessage', () => {
  it('reads strings, Errors and {message, code} objects', () => {
    expect(readableMessage('plain')).toBe('plain');
    expect(readableMessage(new Error('boom'))).toBe('boom');
    expect(
      readableMessage({ message: 'No such user.', code: 'not_found' })
    ).toBe('No such user.');
    expect(readableMessage({ reason: 'Forbidden' })).toBe('Forbidden');
    expect(readableMessage(null, 'fallback')).toBe('fallback');
    expect(readableMessage({ other: 1 })).toBe('{"other":1}');
    expect(errorMessage({ message: 'x' })).not.toContain('[object Object]');
  });
});

describe('a refused request', () => {
  it('rejects with a ClassroomAPIError carrying the server message and code', async () => {
    answer('GET admin/users', {
      status: 403,
      body: { message: 'Only teachers manage the class.', code: 'forbidden' }
    });
    const error = await listStudents().catch(e => e);
    expect(error).toBeInstanceOf(ClassroomAPIError);
    expect(error.message).toBe('Only teachers manage the class.');
    expect(error.code).toBe('forbidden');
    expect(error.status).toBe(403);
  });
});

describe('the job poller', () => {
  it('reports progress and resolves with the result', async () => {
    fakeJob('POST admin/kernels/java/install', 'j1', [
      { state: 'running', progress: 'Downloading JJava' },
      { state: 'done', result: { name: 'java', message: 'installed' } }
    ]);
    const progress: string[] = [];
    const change = await installKernel('java', message =>
      progress.push(message)
    );
    expect(change.message).toBe('installed');
    expect(progress).toContain('Downloading JJava');
    expect(requests.filter(r => r === 'GET admin/jobs/j1')).toHaveLength(2);
  });

  it('rejects with the readable message of a job failing with {message, code}', async () => {
    fakeJob('POST admin/roster/uploads/u1/apply', 'j2', [
      {
        state: 'failed',
        error: {
          message: 'The roster has no username column.',
          code: 'invalid'
        }
      }
    ]);
    const error = await applyUpload('u1', {}).catch(e => e);
    expect(error).toBeInstanceOf(ClassroomAPIError);
    expect(error.message).toBe('The roster has no username column.');
    expect(error.message).not.toContain('[object Object]');
    expect(error.code).toBe('invalid');
  });

  it('still reads a job error sent as a plain string', async () => {
    answer('GET admin/jobs/j3', {
      body: {
        id: 'j3',
        state: 'failed',
        progress: [],
        result: null,
        error: 'gone'
      }
    });
    await expect(pollJob('j3')).rejects.toThrow('gone');
  });
});

describe('roster upload', () => {
  it('sends the file as it is (bytes, not text) with its name', async () => {
    const bytes = new Uint8Array([0x4d, 0xfc, 0x6c, 0x6c, 0x65, 0x72]); // "Müller", ISO-8859-1
    const file = new Blob([bytes]);
    let sent: RequestInit | undefined;
    answer('POST admin/roster/uploads?filename=10%20a.csv', (_body, init) => {
      sent = init;
      return { body: { upload: 'u1', mapping_needed: true, columns: [] } };
    });
    const reply = await uploadRoster(file, '10 a.csv');
    expect(reply.upload).toBe('u1');
    expect(sent?.body).toBe(file);
    expect((sent?.headers as Record<string, string>)['Content-Type']).toBe(
      'text/csv'
    );
  });

  it('asks the server for the credentials sheet', async () => {
    answer('POST admin/roster/credentials', body => ({
      body: {
        filename: `zugangsdaten-${body.rows[0].class_name}.csv`,
        format: body.format,
        count: 1,
        content: 'x'
      }
    }));
    const sheet = await credentialsSheet({
      rows: [
        { username: 'a', full_name: null, password: 'p', class_name: '7b' }
      ],
      format: 'csv',
      language: 'de',
      login_url: 'https://hub/hub/login'
    });
    expect(sheet.filename).toBe('zugangsdaten-7b.csv');
  });
});
