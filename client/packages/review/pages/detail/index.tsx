import { Image, Text, View } from '@tarojs/components';
import Taro, { useDidShow } from '@tarojs/taro';
import { useEffect, useRef, useState } from 'react';

import { getCertificate } from '@shared/certificates';
import { getCity } from '@shared/cities';
import { STATUS_LABELS } from '@shared/order-machine';

import { ActionButton } from '../../../../components/ActionButton';
import { GuideOverlay } from '../../../../components/GuideOverlay';
import { RegionOverlay } from '../../../../components/RegionOverlay';
import { ReportView } from '../../../../components/ReportView';
import { Card, Screen } from '../../../../components/Screen';
import { EmptyState, ErrorState, ErrorText, LoadingState } from '../../../../components/StateView';
import { formatTime } from '../../../../components/StatusTimeline';
import { useRequireStaff, useRouteParam } from '../../../../hooks/use-session-gate';
import { SHORTCUTS_AVAILABLE, bindShortcuts } from '../../../../platform/shortcuts';
import { ROUTES, redirect, routeUrl } from '../../../../routes';
import { apiUrl } from '../../../../services/config';
import type { RejectBody } from '../../../../services/staff-contract';
import { claimOf, useReviewStore } from '../../../../stores/review.store';
import { useSessionStore } from '../../../../stores/session.store';

import { RejectForm } from './RejectForm';

import '../../review.scss';

const REVIEW_ROLES = ['reviewer', 'admin'] as const;
/** Displayed photo width in rpx; the height follows the spec's aspect ratio. */
const PHOTO_WIDTH_RPX = 540;

/** A 750-design length in the platform's unit (rpx on weapp, rem on h5). */
function size(rpx: number): string {
  return typeof Taro.pxTransform === 'function' ? Taro.pxTransform(rpx) : `${rpx}rpx`;
}

function backToQueue(): void {
  Taro.navigateBack().catch(() => redirect(ROUTES.reviewQueue));
}

/** One order under review: claim it, look at the photo with the spec's guides, decide. */
export default function ReviewDetailPage() {
  const allowed = useRequireStaff(REVIEW_ROLES);
  const orderId = useRouteParam('orderId') ?? '';
  const order = useReviewStore((s) => s.order);
  const status = useReviewStore((s) => s.orderStatus);
  const loadError = useReviewStore((s) => s.orderError);
  const acting = useReviewStore((s) => s.acting);
  const actionError = useReviewStore((s) => s.actionError);
  const queue = useReviewStore((s) => s.queue);
  const { loadOrder, loadQueue, claim, approve, reject, clearActionError } = useReviewStore.getState();
  const myName = useSessionStore((s) => s.nickname);
  const [rejecting, setRejecting] = useState(false);
  const [guides, setGuides] = useState(true);
  const [claimedHere, setClaimedHere] = useState(false);

  useDidShow(() => {
    if (!allowed || !orderId) return;
    clearActionError();
    void loadOrder(orderId);
    if (useReviewStore.getState().queue.length === 0) void loadQueue();
  });

  const current = order?.id === orderId ? order : null;
  const claimInfo = claimOf(current);
  const mine = claimInfo.mine ?? (claimedHere || (claimInfo.by !== null && claimInfo.by === myName));
  // The server says whether the claim is ours (claimedByMe); older answers fall back to the name.
  const canDecide = current?.status === 'in_review' && (claimInfo.mine ?? (mine || claimInfo.by === null));
  const canClaim = current !== null && (current.status === 'submitted' || (current.status === 'in_review' && !canDecide));

  const doClaim = async () => {
    if (await claim(orderId)) setClaimedHere(true);
  };
  const doApprove = async () => {
    if (await approve(orderId)) {
      void Taro.showToast({ title: '已通过', icon: 'success' });
      backToQueue();
    }
  };
  const doReject = async (body: RejectBody) => {
    if (await reject(orderId, body)) {
      void Taro.showToast({ title: '已退回', icon: 'success' });
      backToQueue();
    }
  };
  const neighbour = (step: 1 | -1) => {
    const index = queue.findIndex((item) => item.orderId === orderId);
    const next = queue[index === -1 ? 0 : index + step];
    if (next && next.orderId !== orderId) void redirect(routeUrl('reviewDetail', { orderId: next.orderId }));
  };

  // Desktop shortcuts (h5 only): A 通过, R 不通过, J/K next/previous in the queue.
  const handlers = useRef({ a: () => {}, r: () => {}, j: () => {}, k: () => {} });
  handlers.current = {
    a: () => {
      if (canDecide && !acting) void doApprove();
    },
    r: () => {
      if (canDecide) setRejecting(true);
    },
    j: () => neighbour(1),
    k: () => neighbour(-1),
  };
  useEffect(
    () =>
      bindShortcuts({
        a: () => handlers.current.a(),
        r: () => handlers.current.r(),
        j: () => handlers.current.j(),
        k: () => handlers.current.k(),
      }),
    [],
  );

  if (!allowed) return <Screen><LoadingState /></Screen>;
  if (!orderId) {
    return (
      <Screen>
        <EmptyState text="没有指定要审核的订单" action="返回审核台" onAction={() => void redirect(ROUTES.reviewQueue)} />
      </Screen>
    );
  }
  if (!current) {
    return (
      <Screen>
        {status === 'error' ? <ErrorState message={loadError ?? '加载失败'} onRetry={() => void loadOrder(orderId)} /> : <LoadingState />}
      </Screen>
    );
  }

  const cert = getCertificate(current.certType);
  const spec = cert.spec;
  const photoHeightRpx = Math.round((PHOTO_WIDTH_RPX * spec.height) / spec.width);
  const decided = current.status !== 'submitted' && current.status !== 'in_review';

  let footer: JSX.Element;
  if (decided) {
    footer = (
      <ActionButton type="default" onClick={backToQueue}>
        返回审核台
      </ActionButton>
    );
  } else if (canDecide && !rejecting) {
    footer = (
      <View className="review-actions">
        <ActionButton type="warn" onClick={() => setRejecting(true)} disabled={acting !== null}>
          不通过
        </ActionButton>
        <ActionButton onClick={doApprove} loading={acting === 'approve'} disabled={acting === 'reject'}>
          通过
        </ActionButton>
      </View>
    );
  } else if (canDecide) {
    footer = (
      <ActionButton type="default" onClick={() => setRejecting(false)}>
        返回,先不退回
      </ActionButton>
    );
  } else {
    footer = (
      <ActionButton onClick={doClaim} loading={acting === 'claim'}>
        领取审核
      </ActionButton>
    );
  }

  return (
    <Screen footer={footer}>
      {SHORTCUTS_AVAILABLE ? <Text className="review-hint">快捷键:A 通过 · R 不通过 · J 下一单 · K 上一单</Text> : null}
      <Card>
        <Text className="review-status">
          {cert.name} · {getCity(current.cityCode)?.name ?? current.cityCode} · {STATUS_LABELS[current.status]}
        </Text>
        <Text className="review-status__sub">
          订单号 {current.id}
          {claimInfo.by ? ` · ${mine ? '由你审核' : `${claimInfo.by} 审核中`}` : canClaim ? ' · 待领取' : ''}
          {claimInfo.expiresAt && !decided ? ` · 领取至 ${formatTime(claimInfo.expiresAt)}` : ''}
        </Text>
        {current.review ? (
          <Text className="review-status__sub">
            结果:{current.review.decision === 'approved' ? '已通过' : `不通过(${current.review.reasons.map((r) => r.label).join('、')})`}
          </Text>
        ) : null}
        <ErrorText message={actionError} />
      </Card>

      <Card title={`证件照(${spec.width}×${spec.height} 像素)`}>
        {current.photoUrl ? (
          <View className="review-photo" style={{ width: size(PHOTO_WIDTH_RPX), height: size(photoHeightRpx) }}>
            <Image className="review-photo__img" src={apiUrl(current.photoUrl)} mode="scaleToFill" />
            <GuideOverlay spec={spec} visible={guides} />
            <RegionOverlay report={current.report} spec={spec} />
          </View>
        ) : (
          <Text className="review-status__sub">这个订单没有处理好的照片</Text>
        )}
        <View className="review-photo__toggle" role="button" onClick={() => setGuides((v) => !v)}>
          {guides ? '隐藏参考线' : '显示参考线'}
        </View>
        {guides ? <Text className="review-legend">蓝色:头顶位置 · 绿色:眼睛位置 · 红色:脸宽范围({spec.name})</Text> : null}
      </Card>

      {rejecting && canDecide ? (
        <Card title="不通过原因(可多选)">
          <RejectForm
            busy={acting === 'reject'}
            error={actionError}
            onSubmit={(body) => void doReject(body)}
            onCancel={() => setRejecting(false)}
          />
        </Card>
      ) : null}

      <Card title="自动检测报告">
        <ReportView status={current.status} report={current.report} processedSrc={null} originalSrc={null} compact />
      </Card>
    </Screen>
  );
}
