/**
 * A real Mosquitto broker for a spec and an independent `mosquitto_sub` that sees what the
 * students' notebooks publish (mqtt.spec, student-de.spec).
 */
import { ChildProcess, spawn } from 'child_process';
import * as net from 'net';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

export async function waitForPort(port: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise<boolean>(resolve => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.end();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (ok) {
      return;
    }
    await new Promise(r => setTimeout(r, 100));
  }
  throw new Error(`nothing listens on ${port}`);
}

/** `mosquitto -p PORT` on a free port; `stop()` ends it. */
export class Mosquitto {
  private constructor(
    readonly port: number,
    private _proc: ChildProcess
  ) {}

  static async start(): Promise<Mosquitto> {
    const port = await freePort();
    const proc = spawn('mosquitto', ['-p', String(port)], { stdio: 'ignore' });
    const broker = new Mosquitto(port, proc);
    try {
      await waitForPort(port);
    } catch (reason) {
      broker.stop();
      throw reason;
    }
    return broker;
  }

  stop(): void {
    this._proc.kill();
  }
}

/** `mosquitto_sub -v` on `class/#`, collecting "topic payload" lines. */
export class Subscriber {
  lines: string[] = [];
  private proc: ChildProcess;
  constructor(port: number) {
    this.proc = spawn('mosquitto_sub', [
      '-p',
      String(port),
      '-v',
      '-t',
      'class/#'
    ]);
    let buffer = '';
    this.proc.stdout!.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      const parts = buffer.split('\n');
      buffer = parts.pop()!;
      this.lines.push(...parts);
    });
  }

  /** How many lines came so far: pass it as `from` to wait only for later messages. */
  mark(): number {
    return this.lines.length;
  }

  /** The payloads on `topic` since line `from`, in order (no waiting). */
  payloads(topic: string, from = 0): string[] {
    return this.lines
      .slice(from)
      .filter(l => l.startsWith(topic + ' '))
      .map(l => l.slice(topic.length + 1));
  }

  /** The first payload on `topic` (since line `from`); fails after `timeout` ms. */
  async waitFor(topic: string, timeout = 30_000, from = 0): Promise<string> {
    return (await this.waitForCount(topic, 1, timeout, from))[0];
  }

  /** The first `count` payloads on `topic` since line `from`; fails after `timeout` ms. */
  async waitForCount(
    topic: string,
    count: number,
    timeout = 30_000,
    from = 0
  ): Promise<string[]> {
    const deadline = Date.now() + timeout;
    while (Date.now() < deadline) {
      const got = this.payloads(topic, from);
      if (got.length >= count) {
        return got.slice(0, count);
      }
      await new Promise(r => setTimeout(r, 200));
    }
    throw new Error(
      `mosquitto_sub saw ${this.payloads(topic, from).length}/${count} on ${topic}:\n` +
        this.lines.slice(from).join('\n')
    );
  }

  stop(): void {
    this.proc.kill();
  }
}
