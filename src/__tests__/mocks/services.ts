/**
 * A fake of the part of @jupyterlab/services that api.ts uses: requests are answered by the
 * routes a test registers (`answer('GET admin/kernels', ...)`), and recorded in `requests`.
 */

export interface IAnswer {
  status?: number;
  body?: unknown;
}

export type Handler = (body: any, init: RequestInit) => IAnswer;

const BASE = 'http://lab/';
const PREFIX = `${BASE}classroom/api/`;

const routes = new Map<string, Handler>();

/** The requests made, as 'METHOD path'. */
export const requests: string[] = [];

/** Answer 'METHOD path' (path below /classroom/api/, with its query). */
export function answer(route: string, handler: Handler | IAnswer): void {
  routes.set(route, typeof handler === 'function' ? handler : () => handler);
}

/** Forget every route and request. */
export function reset(): void {
  routes.clear();
  requests.length = 0;
}

export namespace ServerConnection {
  export interface ISettings {
    baseUrl: string;
  }

  export function makeSettings(): ISettings {
    return { baseUrl: BASE };
  }

  export async function makeRequest(
    url: string,
    init: RequestInit,
    settings: ISettings
  ): Promise<Response> {
    const path = url.startsWith(PREFIX) ? url.slice(PREFIX.length) : url;
    const route = `${init.method ?? 'GET'} ${path}`;
    requests.push(route);
    const handler = routes.get(route);
    if (!handler) {
      return new Response(
        JSON.stringify({ message: `No route ${route}`, code: 'not_found' }),
        { status: 404, statusText: 'Not Found' }
      );
    }
    const body =
      typeof init.body === 'string' && init.body
        ? JSON.parse(init.body)
        : undefined;
    const reply = handler(body, init);
    return new Response(
      reply.body === undefined ? '' : JSON.stringify(reply.body),
      { status: reply.status ?? 200 }
    );
  }

  export class NetworkError extends TypeError {}
}
