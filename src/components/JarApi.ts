import { Dialog, Notification, showDialog } from '@jupyterlab/apputils';
import { TranslationBundle } from '@jupyterlab/translation';

import { ClassroomAPIError, requestAPI } from '../request';

/**
 * Types and calls for the Libraries and Kernels sections (service /api/v1/jars, /pylibs,
 * /kernels through the server's admin forwarder).
 */
export namespace Libs {
  export interface IJar {
    file: string;
    size: number;
    sha256: string;
    coords: string | null;
    kernels: string[];
  }
  export interface IJarList {
    jars: IJar[];
    trash: string[];
    folder: string;
  }
  export interface IChange {
    name: string;
    action: string;
    changed: boolean;
    message: string;
    restart: string[];
    details?: {
      running?: { kernel: string; pid: number; user: string | null }[];
    };
  }
  export interface IPyLib {
    name: string;
    version: string;
  }
  export interface IKernel {
    name: string;
    display_name: string;
    language: string;
    location: string;
    env: { [key: string]: string };
    classpath: string[];
    kind: string;
    shadowed: boolean;
  }
  export interface ITestResult {
    name: string;
    ok: boolean;
    seconds_to_ready: number | null;
    output: string;
    error: string | null;
  }
  interface IJobState<T> {
    state: 'running' | 'done' | 'failed';
    progress: { message: string; fraction: number | null }[];
    result: T | null;
    error: { message: string; code: string } | string | null;
  }

  /** POST/PUT/DELETE with a JSON body. */
  export function send<T>(
    endPoint: string,
    method: string,
    body?: unknown
  ): Promise<T> {
    return requestAPI<T>(`admin/${endPoint}`, {
      method,
      body: body === undefined ? undefined : JSON.stringify(body),
      headers: { 'Content-Type': 'application/json' }
    });
  }

  export function get<T>(endPoint: string): Promise<T> {
    return requestAPI<T>(`admin/${endPoint}`);
  }

  /**
   * Start a job (the route answers {job}) and poll it until it ends, reporting progress.
   * Resolves with the result; rejects with the job's message when it failed.
   */
  export async function runJob<T>(
    endPoint: string,
    body: unknown,
    onProgress: (message: string, fraction: number | null) => void
  ): Promise<T> {
    const { job } = await send<{ job: string }>(endPoint, 'POST', body ?? {});
    for (;;) {
      const state = await requestAPI<IJobState<T>>(
        `admin/jobs/${encodeURIComponent(job)}`
      );
      const last = state.progress[state.progress.length - 1];
      if (last) {
        onProgress(last.message, last.fraction);
      }
      if (state.state === 'done') {
        return state.result as T;
      }
      if (state.state === 'failed') {
        const err = state.error;
        const message =
          typeof err === 'string' ? err : (err?.message ?? 'failed');
        throw new ClassroomAPIError(
          message,
          500,
          typeof err === 'string' ? 'failed' : (err?.code ?? 'failed')
        );
      }
      await new Promise(resolve => setTimeout(resolve, 500));
    }
  }

  /** An ArrayBuffer as base64 (in chunks: String.fromCharCode has an argument limit). */
  export function toBase64(buffer: ArrayBuffer): string {
    const bytes = new Uint8Array(buffer);
    let binary = '';
    const chunk = 0x8000;
    for (let i = 0; i < bytes.length; i += chunk) {
      binary += String.fromCharCode(...bytes.subarray(i, i + chunk));
    }
    return btoa(binary);
  }

  export function errorMessage(error: unknown): string {
    return error instanceof Error ? error.message : String(error);
  }

  /**
   * Ask before removing something; on "Remove", DELETE `endPoint`. Returns the service's
   * change, or null when the teacher cancelled or the service refused (already shown).
   */
  export async function confirmRemove(
    trans: TranslationBundle,
    title: string,
    body: string,
    endPoint: string
  ): Promise<IChange | null> {
    const answer = await showDialog({
      title,
      body,
      buttons: [
        Dialog.cancelButton({ label: trans.__('Cancel') }),
        Dialog.warnButton({ label: trans.__('Remove') })
      ]
    });
    if (!answer.button.accept) {
      return null;
    }
    try {
      return await send<IChange>(endPoint, 'DELETE');
    } catch (e) {
      Notification.error(errorMessage(e));
      return null;
    }
  }

  export function formatSize(size: number): string {
    if (size >= 1024 * 1024) {
      return `${(size / (1024 * 1024)).toFixed(1)} MB`;
    }
    return `${Math.max(1, Math.round(size / 1024))} KB`;
  }
}
