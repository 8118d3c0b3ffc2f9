import { ISignal } from '@lumino/signaling';
import * as React from 'react';

/**
 * Re-render the calling component whenever `signal` is emitted (a model's `changed`).
 */
export function useSignal(signal: ISignal<any, any>): void {
  const [, bump] = React.useReducer((n: number) => n + 1, 0);
  React.useEffect(() => {
    const slot = (): void => bump();
    signal.connect(slot);
    return () => {
      signal.disconnect(slot);
    };
  }, [signal]);
}
