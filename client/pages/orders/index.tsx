import { Text, View } from '@tarojs/components';
import { useDidShow } from '@tarojs/taro';

import { getCertificate } from '@shared/certificates';
import { ORDER_TABS, STATUS_LABELS } from '@shared/order-machine';

import { MessagesLink } from '../../components/MessagesLink';
import { Screen } from '../../components/Screen';
import { EmptyState, ErrorState, LoadingState } from '../../components/StateView';
import { formatTime } from '../../components/StatusTimeline';
import { useRequireSignIn } from '../../hooks/use-session-gate';
import { go } from '../../routes';
import { notificationsSelectors, useNotificationsStore } from '../../stores/notifications.store';
import { useOrdersStore } from '../../stores/orders.store';

import './index.scss';

export default function OrdersPage() {
  const signedIn = useRequireSignIn();
  const tab = useOrdersStore((s) => s.tab);
  const orders = useOrdersStore((s) => s.orders);
  const status = useOrdersStore((s) => s.status);
  const error = useOrdersStore((s) => s.error);
  const setTab = useOrdersStore((s) => s.setTab);
  const load = useOrdersStore((s) => s.load);
  const unread = useNotificationsStore(notificationsSelectors.unread);
  const loadNotifications = useNotificationsStore((s) => s.load);

  // Reload whenever the page shows again (after submitting, or coming back from a detail).
  useDidShow(() => {
    if (!signedIn) return;
    void load();
    void loadNotifications();
  });

  return (
    <Screen>
      <View className="orders__header">
        <MessagesLink compact unread={unread} onClick={() => go('notifications')} />
      </View>
      <View className="tabs">
        {ORDER_TABS.map((t) => (
          <Text key={t.key} className={`tabs__item ${t.key === tab ? 'tabs__item--active' : ''}`} onClick={() => void setTab(t.key)}>
            {t.label}
          </Text>
        ))}
      </View>
      {status === 'error' ? (
        <ErrorState message={error ?? '加载失败'} onRetry={() => void load()} />
      ) : status === 'loading' && orders.length === 0 ? (
        <LoadingState text="正在加载订单…" />
      ) : status === 'ready' && orders.length === 0 ? (
        <EmptyState text="这里还没有订单" action="开始办理" onAction={() => go('certificate')} />
      ) : (
        <>
          {/* A tab switch or a reload keeps the list it had until the answer: say it is coming. */}
          {status === 'loading' ? <LoadingState text="正在刷新…" /> : null}
          {orders.map((order) => (
          <View key={order.id} className="order-card" onClick={() => go('orderDetail', { id: order.id })}>
            <View className="order-card__row">
              <Text className="order-card__title">{getCertificate(order.certType).name}</Text>
              <Text className={`order-card__status order-card__status--${order.status}`}>{STATUS_LABELS[order.status]}</Text>
            </View>
            <Text className="order-card__meta">
              {order.cityName} · {formatTime(order.updatedAt)}
            </Text>
          </View>
          ))}
        </>
      )}
    </Screen>
  );
}
