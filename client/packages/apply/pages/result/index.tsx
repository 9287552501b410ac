import { useEffect } from 'react';

import { ReportView } from '../../../../components/ReportView';
import { Screen } from '../../../../components/Screen';
import { EmptyState, ErrorState, LoadingState } from '../../../../components/StateView';
import { useRequireSignIn, useRouteParam } from '../../../../hooks/use-session-gate';
import { apiUrl } from '../../../../services/config';
import { go, goHome, replace } from '../../../../routes';
import { orderSelectors, useOrderFor, useOrderStore } from '../../../../stores/order.store';

export default function ResultPage() {
  useRequireSignIn();
  const orderId = useRouteParam('orderId') ?? '';
  const { current, loadStatus, loadError, loadOrder } = useOrderFor(orderId);
  const pollOrder = useOrderStore((s) => s.pollOrder);
  const stopPolling = useOrderStore((s) => s.stopPolling);
  const original = useOrderStore(orderSelectors.originalFor(orderId));

  const start = async () => {
    if (!orderId) return;
    const known = useOrderStore.getState().order;
    if (known?.id !== orderId || useOrderStore.getState().loadStatus === 'error') {
      if (!(await loadOrder(orderId))) return;
    }
    await pollOrder(orderId, 1000);
  };

  useEffect(() => {
    void start();
    return () => stopPolling();
  }, [orderId]); // eslint-disable-line react-hooks/exhaustive-deps

  if (!orderId) {
    return (
      <Screen>
        <EmptyState text="没有找到订单" action="返回首页" onAction={goHome} />
      </Screen>
    );
  }

  if (loadStatus === 'error') {
    return (
      <Screen>
        <ErrorState message={loadError ?? '加载失败'} onRetry={() => void start()} />
      </Screen>
    );
  }
  if (!current) {
    return (
      <Screen>
        <LoadingState />
      </Screen>
    );
  }
  if (current.status === 'draft') {
    return (
      <Screen>
        <EmptyState text="这个订单还没有上传照片" action="去拍照" onAction={() => replace('capture', { orderId })} />
      </Screen>
    );
  }

  return (
    <Screen>
      <ReportView
        status={current.status}
        report={current.report}
        processedSrc={current.photoUrl ? apiUrl(current.photoUrl) : null}
        originalSrc={original}
        onRetake={() => replace('capture', { orderId })}
        onNext={() => {
          // Past `ready` (submitted, in review…) the next place is the order itself.
          if (current.status !== 'ready') replace('orderDetail', { id: orderId });
          else go(current.applicant ? 'submit' : 'applicant', { orderId });
        }}
      />
    </Screen>
  );
}
