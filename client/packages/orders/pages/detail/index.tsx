import { Image, Text, View } from '@tarojs/components';
import { useDidShow } from '@tarojs/taro';

import { getCertificate } from '@shared/certificates';
import { getCity } from '@shared/cities';
import { isShenzhenResidencePermit } from '@shared/eligibility';
import { STATUS_LABELS, type OrderStatus } from '@shared/order-machine';

import { ActionButton } from '../../../../components/ActionButton';
import { EligibilityCheckLink, EligibilityReminder } from '../../../../components/EligibilityReminder';
import { HandoffPanel } from '../../../../components/HandoffPanel';
import { ContactButton } from '../../../../components/ContactButton';
import { ReceiptCard } from '../../../../components/ReceiptCard';
import { reportItems } from '../../../../components/ReportView';
import { Card, Screen } from '../../../../components/Screen';
import { ErrorState, LoadingState } from '../../../../components/StateView';
import { StatusTimeline, formatTime } from '../../../../components/StatusTimeline';
import { useRequireSignIn, useRouteParam } from '../../../../hooks/use-session-gate';
import { apiUrl } from '../../../../services/config';
import type { OrderWithReview } from '../../../../services/staff-contract';
import { go } from '../../../../routes';
import { useOrderStore } from '../../../../stores/order.store';
import { sessionSelectors, useSessionStore } from '../../../../stores/session.store';

import '../../orders.scss';

function Row({ label, value }: { label: string; value: string }) {
  return (
    <View className="detail__row">
      <Text className="detail__label">{label}</Text>
      <Text>{value}</Text>
    </View>
  );
}

const RETAKE: readonly OrderStatus[] = ['needs_retake', 'rejected'];
/** The receipt was used or has lapsed: no point offering the self-check any more. */
const SPENT: readonly OrderStatus[] = ['used', 'expired'];

export default function OrderDetailPage() {
  const signedIn = useRequireSignIn();
  const id = useRouteParam('id') ?? '';
  const order = useOrderStore((s) => s.order);
  const loadStatus = useOrderStore((s) => s.loadStatus);
  const loadError = useOrderStore((s) => s.loadError);
  const loadOrder = useOrderStore((s) => s.loadOrder);
  const hasConsent = useSessionStore(sessionSelectors.hasConsent);

  useDidShow(() => {
    if (signedIn && id) void loadOrder(id);
  });

  const current: OrderWithReview | null = order?.id === id ? order : null;
  if (!current) {
    return (
      <Screen>
        {loadStatus === 'error' ? (
          <ErrorState message={loadError ?? '加载失败'} onRetry={() => void loadOrder(id)} />
        ) : (
          <LoadingState />
        )}
      </Screen>
    );
  }

  const { failures, warnings } = reportItems(current.report);
  const review = current.review ?? null;
  const rejection = current.status === 'rejected' && review?.decision === 'rejected' ? review : null;
  // Older servers only put the reviewer's note in the history.
  // An older server without `review`: the note of the rejection that is still current.
  const lastNote = current.status === 'rejected' && !rejection ? [...current.history].reverse().find((h) => h.to === 'rejected' && h.note)?.note : null;
  const receipt = current.receipt ?? null;
  const capture = () => go(hasConsent ? 'capture' : 'consent', { orderId: current.id });

  let action: JSX.Element | null = null;
  if (RETAKE.includes(current.status)) {
    action = (
      <ActionButton onClick={capture}>{current.status === 'rejected' ? '审核失败,重新提交' : '重新拍摄'}</ActionButton>
    );
  } else if (current.status === 'draft') {
    action = <ActionButton onClick={capture}>去拍照</ActionButton>;
  } else if (current.status === 'ready') {
    action = (
      <ActionButton onClick={() => go(current.applicant ? 'submit' : 'applicant', { orderId: current.id })}>
        {current.applicant ? '继续提交' : '填写信息'}
      </ActionButton>
    );
  } else if (current.status === 'processing') {
    action = (
      <ActionButton type="default" onClick={() => go('result', { orderId: current.id })}>
        查看处理进度
      </ActionButton>
    );
  }

  return (
    <Screen footer={action}>
      <Card>
        <Text className="detail__status">{STATUS_LABELS[current.status]}</Text>
        {lastNote ? <Text className="detail__issue">审核意见:{lastNote}</Text> : null}
      </Card>
      {rejection ? (
        <Card title="审核未通过的原因">
          {rejection.reasons.map((r) => (
            <Text key={r.code} className="detail__issue">
              · {r.label}
            </Text>
          ))}
          {rejection.note ? <Text className="detail__issue">审核员说明:{rejection.note}</Text> : null}
          <Text className="detail__label detail__hint">请按以上原因重新拍摄,新照片会提交到这个订单,无需另付费用。</Text>
        </Card>
      ) : null}
      {RETAKE.includes(current.status) ? (
        <Card title="不知道怎么改?">
          <Text className="detail__label">把订单号告诉客服,客服会帮您看照片哪里不合格。</Text>
          <ContactButton orderId={current.id} />
        </Card>
      ) : null}
      {receipt && (current.status === 'approved' || current.status === 'used' || current.status === 'expired') ? (
        <>
          <ReceiptCard receipt={receipt} receiptUrl={current.receiptUrl ?? null} />
          <Card title="回执有疑问?">
            <Text className="detail__label">窗口查不到图像号、选错城市或证件,请联系客服。</Text>
            <ContactButton orderId={current.id} />
          </Card>
        </>
      ) : current.status === 'approved' ? (
        <Card title="数码照片回执">
          <Text className="detail__label">回执生成中,请稍后刷新</Text>
        </Card>
      ) : null}
      {/* Only 深圳居住证 orders carry a self-check. */}
      {current.eligibility && current.status === 'approved' ? (
        <EligibilityReminder eligibility={current.eligibility} />
      ) : null}
      <HandoffPanel orderId={current.id} />
      <Card title="证件照">
        {current.photoUrl ? (
          <Image className="detail__photo" src={apiUrl(current.photoUrl)} mode="aspectFit" />
        ) : current.photoPurgedAt ? (
          <Text className="detail__label">照片已超过保存期限,已按规定删除</Text>
        ) : (
          <Text className="detail__label">还没有处理好的照片</Text>
        )}
      </Card>
      <Card title="检测结果">
        {!current.report ? (
          <Text className="detail__label">尚未检测</Text>
        ) : failures.length === 0 ? (
          <Text className="detail__ok">照片检测合格{warnings.length ? `(${warnings.length} 条提示)` : ''}</Text>
        ) : (
          failures.map((f) => (
            <Text key={f.code} className="detail__issue">
              {f.title}:{f.message}
            </Text>
          ))
        )}
      </Card>
      <Card title="办理信息">
        <Row label="证件" value={getCertificate(current.certType).name} />
        <Row label="城市" value={getCity(current.cityCode)?.name ?? current.cityCode} />
        {isShenzhenResidencePermit(current) && !current.eligibility && !SPENT.includes(current.status) ? (
          <EligibilityCheckLink text="不确定能否申领深圳居住证?做个资格自测" />
        ) : null}
        <Row label="订单号" value={current.id} />
        <Row label="创建时间" value={formatTime(current.createdAt)} />
      </Card>
      {current.applicant ? (
        <Card title="申请人">
          <Row label="姓名" value={current.applicant.name} />
          <Row label="身份证号" value={current.applicant.idNumber} />
          <Row label="手机号" value={current.applicant.phone} />
        </Card>
      ) : null}
      <Card title="办理进度">
        <StatusTimeline history={current.history} />
      </Card>
    </Screen>
  );
}
