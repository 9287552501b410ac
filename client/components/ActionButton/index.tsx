import { Text, View } from '@tarojs/components';
import type { PropsWithChildren } from 'react';

import './index.scss';

export interface ActionButtonProps {
  type?: 'primary' | 'default' | 'warn';
  onClick?: () => void;
  disabled?: boolean;
  /** Shown under a disabled button: a button never looks dead without saying why. */
  disabledReason?: string;
  loading?: boolean;
  /** `data-testid` of the button itself, for browser tests. */
  testId?: string;
}

/**
 * The app's button: a styled view with role="button" (the same look on weapp and h5, no WeUI
 * overrides), disabled and loading states that swallow taps, and a visible reason when disabled.
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
  const inactive = disabled || loading;
  return (
    <View className="action">
      <View
        className={`action__button action__button--${type} ${inactive ? 'action__button--disabled' : ''}`}
        role="button"
        data-testid={testId}
        aria-disabled={inactive}
        aria-busy={loading}
        hoverClass={inactive ? 'none' : 'action__button--pressed'}
        onClick={() => {
          if (!inactive) onClick?.();
        }}
      >
        {loading ? <View className="action__spinner" /> : null}
        <Text className="action__label">{children}</Text>
      </View>
      {disabled && disabledReason ? <Text className="action__reason">{disabledReason}</Text> : null}
    </View>
  );
}
