import { Text, View } from '@tarojs/components';
import { useRef, useState, type PropsWithChildren } from 'react';

import './index.scss';

export interface ActionButtonProps {
  type?: 'primary' | 'default' | 'warn';
  /** A handler that returns a promise (a request) keeps the button busy — disabled, with its
   * spinner — until the promise settles, and taps in between are dropped. */
  onClick?: () => void | Promise<unknown>;
  disabled?: boolean;
  /** Shown under a disabled button: a button never looks dead without saying why. */
  disabledReason?: string;
  /** Busy for a reason the button cannot see (a store's request, an upload). */
  loading?: boolean;
  /** `data-testid` of the button itself, for browser tests. */
  testId?: string;
}

/**
 * The app's button: a styled view with role="button" (the same look on weapp and h5, no WeUI
 * overrides), disabled and loading states that swallow taps, and a visible reason when disabled.
 * It is the one way a request is started from a tap: return the request's promise from `onClick`
 * and the button is disabled and shows its spinner until the answer (a double tap sends one).
 */
export function ActionButton({
  children,
  type = 'primary',
  onClick,
  disabled = false,
  disabledReason,
  loading = false,
  testId,
}: PropsWithChildren<ActionButtonProps>) {
  const [running, setRunning] = useState(false);
  // Set in the tap itself: a second tap before React has re-rendered must find it too.
  const runningRef = useRef(false);
  const busy = loading || running;
  const inactive = disabled || busy;
  const tap = () => {
    if (inactive || runningRef.current || !onClick) return;
    const result = onClick();
    if (result && typeof result.then === 'function') {
      runningRef.current = true;
      setRunning(true);
      const done = () => {
        runningRef.current = false;
        setRunning(false);
      };
      result.then(done, done);
    }
  };
  return (
    <View className="action">
      <View
        className={`action__button action__button--${type} ${inactive ? 'action__button--disabled' : ''}`}
        role="button"
        data-testid={testId}
        aria-disabled={inactive}
        aria-busy={busy}
        hoverClass={inactive ? 'none' : 'action__button--pressed'}
        onClick={tap}
      >
        {busy ? <View className="action__spinner" data-testid="button-spinner" /> : null}
        <Text className="action__label">{children}</Text>
      </View>
      {disabled && disabledReason ? <Text className="action__reason">{disabledReason}</Text> : null}
    </View>
  );
}
