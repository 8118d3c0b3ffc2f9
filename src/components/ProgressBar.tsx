import * as React from 'react';

/**
 * A progress bar with a message; `fraction` null means "working, length unknown".
 */
export function ProgressBar(props: {
  message: string;
  fraction: number | null;
}): JSX.Element {
  const percent =
    props.fraction === null
      ? null
      : Math.max(0, Math.min(100, Math.round(props.fraction * 100)));
  return (
    <div className="jp-classroom-ProgressBar" data-testid="classroom-progress">
      <div
        className="jp-classroom-ProgressBar-track"
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent ?? undefined}
      >
        <div
          className={
            'jp-classroom-ProgressBar-fill' +
            (percent === null ? ' jp-mod-indeterminate' : '')
          }
          style={{ width: percent === null ? '30%' : `${percent}%` }}
        />
      </div>
      <div className="jp-classroom-ProgressBar-message">{props.message}</div>
    </div>
  );
}
