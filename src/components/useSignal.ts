import { ISignal } from '@lumino/signaling';
import * as React from 'react';

/**
 * Re-render the calling component whenever `signal` is emitted (a model's `changed`).
 *
 * React connects in an effect, after the first render has read the model: an emission in
 * between (a list loaded meanwhile) would be missed and the component would show the old
 * state until the next change. So it renders once more right after connecting.
 */
export function useSignal(signal: ISignal<any, any>): void {
  const [, bump] = React.useReducer((n: number) => n + 1, 0);
  React.useEffect(() => {
    const slot = (): void => bump();
    signal.connect(slot);
    bump();
    return () => {
      signal.disconnect(slot);
    };
  }, [signal]);
}
