/**
 * Helpers for the shared libraries, the kernels students get and the service's jobs
 * (java.spec, mqtt.spec, libs.spec, kernel-refresh.spec), against the real hub of
 * global-setup.js.
 */
import { expect, Page } from '@playwright/test';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { classroomApi } from './hub';

/**
 * Wait until the service's job `id` is done; a failed job fails the test at once with the
 * server's message.
 */
export async function waitForJob(
  page: Page,
  id: string,
  timeout = 120_000
): Promise<void> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const job = (await classroomApi(page, `admin/jobs/${id}`)).data;
    if (job.state === 'done') {
      return;
    }
    if (job.state === 'failed') {
      throw new Error(
        `job ${id} failed: ${job.error?.message ?? 'no message'}`
      );
    }
    if (Date.now() > deadline) {
      const last = job.progress?.[job.progress.length - 1]?.message ?? '-';
      throw new Error(
        `job ${id} still ${job.state} after ${timeout / 1000} s (last progress: ${last})`
      );
    }
    await page.waitForTimeout(500);
  }
}

/**
 * Install (or re-install: idempotent) the Java kernel (JJava) with the shared jars on its
 * class path through the Kernels route, as the sidebar does, and wait for the job.
 */
export async function installJavaKernel(page: Page): Promise<void> {
  const install = await classroomApi<{ job: string }>(
    page,
    'admin/kernels/java/install',
    { method: 'POST', body: {} }
  );
  expect(install.status).toBeLessThan(300);
  await waitForJob(page, install.data.job, 300_000);
}

/** Add a jar to the shared folder from Maven Central through the Libraries route. */
export async function addMavenJar(page: Page, coords: string): Promise<void> {
  const started = await classroomApi<{ job: string }>(
    page,
    'admin/jars/maven',
    { method: 'POST', body: { coords } }
  );
  expect(started.status).toBeLessThan(300);
  await waitForJob(page, started.data.job, 120_000);
}

/** The status bar item of the current notebook's kernel, e.g. `Java (jjava) | Idle`. */
export function kernelStatus(page: Page, kernel: RegExp | string) {
  const name =
    typeof kernel === 'string'
      ? kernel.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
      : kernel.source;
  return page.locator('.jp-StatusBar-TextItem', {
    hasText: new RegExp(`^${name} \\|`)
  });
}

/** Wait until the current notebook's kernel says Idle in the status bar (it is connected). */
export async function waitForKernelIdle(
  page: Page,
  kernel: RegExp | string,
  timeout = 180_000
): Promise<void> {
  await expect(kernelStatus(page, kernel)).toHaveText(/\| Idle$/, { timeout });
}

/** A small real jar made with the JDK's `jar` tool. */
export function makeJar(name: string): Buffer {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'classroom-jar-'));
  fs.mkdirSync(path.join(dir, 'content', 'demo'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'content', 'demo', 'readme.txt'), 'demo\n');
  const out = path.join(dir, name);
  execFileSync('jar', ['cf', out, '-C', path.join(dir, 'content'), '.']);
  const data = fs.readFileSync(out);
  fs.rmSync(dir, { recursive: true, force: true });
  return data;
}
