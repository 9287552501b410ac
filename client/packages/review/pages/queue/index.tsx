import { Image, Text, View } from '@tarojs/components';
import Taro, { useDidShow, usePullDownRefresh } from '@tarojs/taro';

import { getCertificate } from '@shared/certificates';
import { getCity } from '@shared/cities';

import { Screen } from '../../../../components/Screen';
import { SignOutLink } from '../../../../components/SignOutLink';
import { EmptyState, ErrorState, LoadingState } from '../../../../components/StateView';
import { formatTime } from '../../../../components/StatusTimeline';
import { useRequireStaff } from '../../../../hooks/use-session-gate';
import { go } from '../../../../routes';
import { apiUrl } from '../../../../services/config';
import { useReviewStore, waitingText } from '../../../../stores/review.store';
import { useSessionStore } from '../../../../stores/session.store';

import '../../review.scss';

const REVIEW_ROLES = ['reviewer', 'admin'] as const;

/** 审核台: submitted orders, oldest first, with how long each has waited and who holds it. */
export default function ReviewQueuePage() {
  const allowed = useRequireStaff(REVIEW_ROLES);
  const queue = useReviewStore((s) => s.queue);
  const status = useReviewStore((s) => s.queueStatus);
  const error = useReviewStore((s) => s.queueError);
  const loadQueue = useReviewStore((s) => s.loadQueue);
  const name = useSessionStore((s) => s.nickname);

  useDidShow(() => {
    if (allowed) void loadQueue();
  });
  usePullDownRefresh(() => {
    void loadQueue().finally(() => void Taro.stopPullDownRefresh());
  });

  if (!allowed) return <Screen><LoadingState /></Screen>;

  let body: JSX.Element;
  if (status === 'error') body = <ErrorState message={error ?? '加载失败'} onRetry={() => void loadQueue()} />;
  else if (queue.length === 0 && status !== 'ready') body = <LoadingState />;
  else if (queue.length === 0) body = <EmptyState text="暂无待审核的订单" action="刷新" onAction={() => void loadQueue()} />;
  else
    body = (
      <View>
        {queue.map((item) => {
          const cert = getCertificate(item.certType);
          return (
            <View
              key={item.orderId}
              className="queue-item"
              role="button"
              aria-label={`${cert.name} ${item.orderId}`}
              onClick={() => go('reviewDetail', { orderId: item.orderId })}
            >
              {item.photoUrl ? (
                <Image className="queue-item__thumb" src={apiUrl(item.photoUrl)} mode="aspectFit" />
              ) : (
                <View className="queue-item__thumb" />
              )}
              <View className="queue-item__body">
                <Text className="queue-item__title">{cert.name}</Text>
                <Text className="queue-item__meta">
                  {getCity(item.cityCode)?.name ?? item.cityCode} · 提交于 {formatTime(item.submittedAt)}
                </Text>
                <Text className="queue-item__wait">{waitingText(item.waitingSeconds)}</Text>
              </View>
              <Text className={`queue-item__claim ${item.claimedBy ? 'queue-item__claim--taken' : ''}`}>
                {item.claimedBy ? `${item.claimedBy} 审核中` : '待领取'}
              </Text>
            </View>
          );
        })}
      </View>
    );

  return (
    <Screen>
      <View className="review-head">
        <Text>
          {name ? `审核员:${name}` : '审核台'} · 待审核 {queue.length} 单
        </Text>
        <View>
          <View className="review-head__link" role="button" onClick={() => void loadQueue()}>
            刷新
          </View>
          <SignOutLink className="review-head__link" />
        </View>
      </View>
      {body}
    </Screen>
  );
}
