import { Image, Text, View } from '@tarojs/components';
import { useEffect, useState } from 'react';

import { getCertificate } from '@shared/certificates';
import { getCity } from '@shared/cities';
import { STATUS_LABELS } from '@shared/order-machine';

import { ActionButton } from '../../../../components/ActionButton';
import { Card, Screen } from '../../../../components/Screen';
import { ErrorText, PendingScreen } from '../../../../components/StateView';
import { useRequireSignIn, useRouteParam } from '../../../../hooks/use-session-gate';
import { apiUrl } from '../../../../services/config';
import { askForSubscriptions } from '../../../../services/subscriptions';
import { go, replace } from '../../../../routes';
import { clientConfigSelectors, useClientConfigStore } from '../../../../stores/client-config.store';
import { useOrderFor, useOrderStore } from '../../../../stores/order.store';

import '../../apply.scss';

function Row({ label, value }: { label: string; value: string }) {
  return (
    <View className="apply__summary-row">
      <Text className="apply__summary-label">{label}</Text>
      <Text>{value}</Text>
    </View>
  );
}

export default function SubmitPage() {
  useRequireSignIn();
  const orderId = useRouteParam('orderId') ?? '';
  const { current, loadStatus, loadError, loadOrder } = useOrderFor(orderId);
  const submit = useOrderStore((s) => s.submit);
  const submitting = useOrderStore((s) => s.submitting);
  const submitError = useOrderStore((s) => s.submitError);
  const loadConfig = useClientConfigStore((s) => s.load);
  /** The subscribe dialog is open: the button waits with it. */
  const [asking, setAsking] = useState(false);

  useEffect(() => {
    if (orderId) void loadOrder(orderId);
  }, [orderId, loadOrder]);

  // The template ids must be known before the tap (normally loaded at launch already).
  useEffect(() => {
    void loadConfig();
  }, [loadConfig]);

  if (!current) {
    return <PendingScreen failed={loadStatus === 'error'} error={loadError} onRetry={() => void loadOrder(orderId)} />;
  }

  const reason =
    current.status !== 'ready'
      ? `订单状态为“${STATUS_LABELS[current.status]}”,照片检测合格后才能提交`
      : !current.applicant
        ? '请先填写申请人信息'
        : undefined;

  // Submit and resubmit (a rejected order comes back here with its new photo) share this tap.
  const send = () => {
    // First, synchronously inside the tap: WeChat refuses the subscribe dialog after an await.
    const answers = askForSubscriptions(clientConfigSelectors.templates(useClientConfigStore.getState()));
    setAsking(true);
    // The promise keeps the button busy (ActionButton) through the dialog and the request.
    return (async () => {
      const subscriptions = await answers;
      setAsking(false);
      const submitted = await submit(subscriptions);
      if (submitted) replace('orderDetail', { id: submitted.id });
    })();
  };

  return (
    <Screen
      footer={
        <View>
          <ErrorText message={submitError} />
          <ActionButton onClick={send} loading={submitting || asking} disabled={!!reason} disabledReason={reason}>
            提交审核
          </ActionButton>
        </View>
      }
    >
      <Card title="证件照">
        {current.photoUrl ? <Image className="apply__photo" src={apiUrl(current.photoUrl)} mode="aspectFit" /> : null}
      </Card>
      <Card title="办理信息">
        <Row label="证件" value={getCertificate(current.certType).name} />
        <Row label="城市" value={getCity(current.cityCode)?.name ?? current.cityCode} />
        <Row label="状态" value={STATUS_LABELS[current.status]} />
      </Card>
      <Card title="申请人">
        {current.applicant ? (
          <>
            <Row label="姓名" value={current.applicant.name} />
            <Row label="身份证号" value={current.applicant.idNumber} />
            <Row label="手机号" value={current.applicant.phone} />
          </>
        ) : (
          <ActionButton type="default" onClick={() => go('applicant', { orderId })}>
            填写申请人信息
          </ActionButton>
        )}
      </Card>
      <Text className="apply__lead">提交后由检测中心人工审核,审核结果会在「消息」中通知你。审核未通过可在原订单免费重拍。</Text>
    </Screen>
  );
}
