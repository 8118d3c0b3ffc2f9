import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

/**
 * The extension's route namespace on its own Jupyter server. The browser never talks to
 * the hub or the classroom service directly.
 */
export const NAMESPACE = 'classroom';

/**
 * An error answered by the Classroom API, with the server's message (which says what to do).
 */
export class ClassroomAPIError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string = 'error',
    readonly detail: any = undefined
  ) {
    super(message);
  }
}

/**
 * Call `/classroom/api/<endPoint>` on this server (token and XSRF handled by ServerConnection).
 */
export async function requestAPI<T>(
  endPoint = '',
  init: RequestInit = {}
): Promise<T> {
  const settings = ServerConnection.makeSettings();
  const requestUrl = URLExt.join(settings.baseUrl, NAMESPACE, 'api', endPoint);
  let response: Response;
  try {
    response = await ServerConnection.makeRequest(requestUrl, init, settings);
  } catch (error) {
    throw new ServerConnection.NetworkError(error as any);
  }
  const text = await response.text();
  let data: any = text;
  if (text.length > 0) {
    try {
      data = JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
  }
  if (!response.ok) {
    const message =
      (data && (data.message || data.reason)) || response.statusText;
    throw new ClassroomAPIError(
      message,
      response.status,
      data?.code ?? 'error',
      data
    );
  }
  return data as T;
}
