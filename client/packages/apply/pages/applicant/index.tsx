import { Text, View } from '@tarojs/components';
import { useEffect } from 'react';

import { ApplicantForm } from '../../../../components/ApplicantForm';
import { Screen } from '../../../../components/Screen';
import { ErrorText, PendingScreen } from '../../../../components/StateView';
import { useRequireSignIn, useRouteParam } from '../../../../hooks/use-session-gate';
import { go } from '../../../../routes';
import { useOrderFor, useOrderStore } from '../../../../stores/order.store';
import { sessionSelectors, useSessionStore } from '../../../../stores/session.store';

import '../../apply.scss';

export default function ApplicantPage() {
  useRequireSignIn();
  const orderId = useRouteParam('orderId') ?? '';
  const { current, loadStatus, loadError, loadOrder } = useOrderFor(orderId);
  const saveApplicant = useOrderStore((s) => s.saveApplicant);
  const saving = useOrderStore((s) => s.saving);
  const saveError = useOrderStore((s) => s.saveError);
  const fieldErrors = useOrderStore((s) => s.fieldErrors);
  const hasConsent = useSessionStore(sessionSelectors.hasConsent);

  useEffect(() => {
    if (orderId && useOrderStore.getState().order?.id !== orderId) void loadOrder(orderId);
  }, [orderId, loadOrder]);

  if (!current) {
    return <PendingScreen failed={loadStatus === 'error'} error={loadError} onRetry={() => void loadOrder(orderId)} />;
  }

  return (
    <Screen>
      <Text className="apply__lead">填写申请人信息,须与身份证一致。回执将与此身份证号绑定。</Text>
      {current.applicant ? (
        <Text className="apply__lead">
          已保存:{current.applicant.name} {current.applicant.idNumber},重新填写将覆盖。
        </Text>
      ) : null}
      {!hasConsent ? (
        <View className="apply__lead">
          <Text>尚未同意个人信息处理规则。</Text>
          <Text className="apply__link" onClick={() => go('consent')}>
            去阅读并同意 ›
          </Text>
        </View>
      ) : null}
      <ApplicantForm
        consent={hasConsent}
        submitting={saving}
        serverErrors={fieldErrors}
        onSubmit={async (body) => {
          const saved = await saveApplicant(body);
          if (saved) go('submit', { orderId });
        }}
      />
      <ErrorText message={saveError} />
    </Screen>
  );
}
