import { Text, View } from '@tarojs/components';
import Taro, { useDidShow, usePullDownRefresh } from '@tarojs/taro';

import { Screen } from '../../../../components/Screen';
import { EmptyState, ErrorState, ErrorText, LoadingState } from '../../../../components/StateView';
import { formatTime } from '../../../../components/StatusTimeline';
import { useRequireSignIn } from '../../../../hooks/use-session-gate';
import { go } from '../../../../routes';
import { useNotificationsStore } from '../../../../stores/notifications.store';

import './index.scss';

/** 消息: review results and expiry reminders, newest first; tapping one opens its order. */
export default function NotificationsPage() {
  const signedIn = useRequireSignIn();
  const items = useNotificationsStore((s) => s.items);
  const unread = useNotificationsStore((s) => s.unread);
  const status = useNotificationsStore((s) => s.status);
  const error = useNotificationsStore((s) => s.error);
  const actionError = useNotificationsStore((s) => s.actionError);
  const load = useNotificationsStore((s) => s.load);
  const markRead = useNotificationsStore((s) => s.markRead);
  const markAllRead = useNotificationsStore((s) => s.markAllRead);

  useDidShow(() => {
    if (signedIn) void load();
  });
  usePullDownRefresh(() => {
    void load().finally(() => Taro.stopPullDownRefresh());
  });

  let content: JSX.Element | JSX.Element[];
  if (status === 'error' && items.length === 0) {
    content = <ErrorState message={error ?? '加载失败'} onRetry={() => void load()} />;
  } else if (items.length === 0 && status !== 'ready') {
    content = <LoadingState text="正在加载消息…" />;
  } else if (items.length === 0) {
    content = <EmptyState text="还没有消息。提交审核后,审核结果会在这里通知你。" />;
  } else {
    content = items.map((n) => (
      <View
        key={n.id}
        className={`notice ${n.readAt ? 'notice--read' : ''}`}
        role="link"
        data-testid={`notification-${n.id}`}
        onClick={() => {
          void markRead(n.id);
          go('orderDetail', { id: n.orderId });
        }}
      >
        {n.readAt ? null : <View className="notice__dot" aria-label="未读" />}
        <Text className="notice__title">{n.title}</Text>
        <Text className="notice__body">{n.body}</Text>
        <Text className="notice__time">{formatTime(n.createdAt)}</Text>
      </View>
    ));
  }

  return (
    <Screen>
      {items.length > 0 ? (
        <View className="notices__toolbar">
          <Text>{unread > 0 ? `${unread} 条未读` : '全部已读'}</Text>
          {unread > 0 ? (
            <View className="notices__read-all" role="button" onClick={() => void markAllRead()}>
              全部已读
            </View>
          ) : null}
        </View>
      ) : null}
      <ErrorText message={actionError} />
      {content}
    </Screen>
  );
}
