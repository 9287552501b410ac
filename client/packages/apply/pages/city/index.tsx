import { Text, View } from '@tarojs/components';
import { useMemo } from 'react';

import { getCertificate } from '@shared/certificates';
import { citiesFor, getCity } from '@shared/cities';
import { isShenzhenResidencePermit } from '@shared/eligibility';

import { ActionButton } from '../../../../components/ActionButton';
import { EligibilityCheckLink, routeNames } from '../../../../components/EligibilityReminder';
import { CityPicker } from '../../../../components/CityPicker';
import { Screen } from '../../../../components/Screen';
import { EmptyState, ErrorText } from '../../../../components/StateView';
import { useRequireSignIn } from '../../../../hooks/use-session-gate';
import { replace } from '../../../../routes';
import { useOrderStore } from '../../../../stores/order.store';
import { sessionSelectors, useSessionStore } from '../../../../stores/session.store';

import { useLocatedCity } from './use-located-city';

import '../../apply.scss';

export default function CityPage() {
  useRequireSignIn();
  const { certType, cityCode, eligibility } = useOrderStore((s) => s.draft);
  const chooseCity = useOrderStore((s) => s.chooseCity);
  const createOrder = useOrderStore((s) => s.createOrder);
  const creating = useOrderStore((s) => s.creating);
  const createError = useOrderStore((s) => s.createError);
  const hasConsent = useSessionStore(sessionSelectors.hasConsent);
  const offered = useMemo(() => (certType ? citiesFor(certType) : []), [certType]);
  const { located, locate } = useLocatedCity(offered);

  if (!certType) {
    return (
      <Screen>
        <EmptyState text="请先选择要办理的证件" action="选择证件" onAction={() => replace('certificate')} />
      </Screen>
    );
  }

  const start = async () => {
    const order = await createOrder();
    if (!order) return;
    replace(hasConsent ? 'guide' : 'consent', { orderId: order.id });
  };

  const city = cityCode ? getCity(cityCode) : undefined;

  return (
    <Screen
      footer={
        <View>
          <ErrorText message={createError} />
          <ActionButton
            onClick={start}
            loading={creating}
            disabled={!city}
            disabledReason="请先在列表中选择一个城市"
          >
            {city ? `确认城市:${city.name}` : '确认城市'}
          </ActionButton>
        </View>
      }
    >
      <Text className="apply__chip">{getCertificate(certType).name}</Text>
      {isShenzhenResidencePermit({ certType, cityCode }) ? (
        eligibility ? (
          <Text className="apply__lead" data-testid="eligibility-summary">{`资格自测:符合(${routeNames(eligibility).join('、')})`}</Text>
        ) : (
          <View className="apply__lead">
            <EligibilityCheckLink />
          </View>
        )
      ) : null}
      <CityPicker certType={certType} selected={cityCode} onSelect={chooseCity} located={located} onLocate={locate} />
    </Screen>
  );
}
