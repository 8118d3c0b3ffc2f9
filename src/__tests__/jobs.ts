import { answer } from './mocks/services';

/**
 * Let POST `route` start job `id` whose states are `states` in turn (the last one repeats).
 */
export function fakeJob(
  route: string,
  id: string,
  states: Array<{
    state: 'running' | 'done' | 'failed';
    result?: unknown;
    error?: unknown;
    progress?: string;
  }>
): void {
  answer(route, { body: { job: id } });
  let polled = 0;
  answer(`GET admin/jobs/${id}`, () => {
    const s = states[Math.min(polled, states.length - 1)];
    polled += 1;
    return {
      body: {
        id,
        kind: 'test',
        state: s.state,
        progress: s.progress
          ? [{ message: s.progress, fraction: 0.5, time: 0 }]
          : [],
        result: s.result ?? null,
        error: s.error ?? null
      }
    };
  });
}
