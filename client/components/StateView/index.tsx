import { Text, View } from '@tarojs/components';

import { ActionButton } from '../ActionButton';
import { Screen } from '../Screen';
import { Spinner } from '../Spinner';

import './index.scss';

export function LoadingState({ text = '加载中…' }: { text?: string }) {
  return <Spinner text={text} />;
}

/** A failure with the server's (Chinese) message and a 重试 button. */
export function ErrorState({ message, onRetry }: { message: string; onRetry?: () => void }) {
  return (
    <View className="state state--error">
      <Text className="state__icon">!</Text>
      <Text className="state__text">{message}</Text>
      {onRetry ? (
        <View className="state__action">
          <ActionButton type="default" onClick={onRetry}>
            重试
          </ActionButton>
        </View>
      ) : null}
    </View>
  );
}

export function EmptyState({ text, action, onAction }: { text: string; action?: string; onAction?: () => void }) {
  return (
    <View className="state">
      <Text className="state__icon state__icon--empty">○</Text>
      <Text className="state__text">{text}</Text>
      {action && onAction ? (
        <View className="state__action">
          <ActionButton onClick={onAction}>{action}</ActionButton>
        </View>
      ) : null}
    </View>
  );
}

/** An inline error line (forms, failed actions). */
export function ErrorText({ message }: { message: string | null | undefined }) {
  if (!message) return null;
  return <Text className="error-text">{message}</Text>;
}

/** A page waiting for its order: loading, or the error with 重试. */
export function PendingScreen({ failed, error, onRetry }: { failed: boolean; error: string | null | undefined; onRetry: () => void }) {
  return <Screen>{failed ? <ErrorState message={error ?? '加载失败'} onRetry={onRetry} /> : <LoadingState />}</Screen>;
}
