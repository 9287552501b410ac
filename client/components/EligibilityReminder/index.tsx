import { Text, View } from '@tarojs/components';

import { ROUTE_LABELS, documentsToBring, talentOption, type OrderEligibility } from '@shared/eligibility';

import { go } from '../../routes';
import { Card } from '../Screen';

import './index.scss';

/** 「社保+居住登记」, 「人才引进(鹏城优才卡持有者)」…, one per route met. */
export function routeNames(eligibility: OrderEligibility): string[] {
  return eligibility.routes.map((route) =>
    route === 'talent' && eligibility.talent ? `${ROUTE_LABELS.talent}(${talentOption(eligibility.talent).label})` : ROUTE_LABELS[route],
  );
}

/** What to take to the office, for the routes met (`documentsToBring`). */
export function DocumentList({ eligibility }: { eligibility: OrderEligibility }) {
  return (
    <View className="documents" data-testid="eligibility-documents">
      {documentsToBring(eligibility).map((doc) => (
        <Text key={doc} className="documents__item">
          · {doc}
        </Text>
      ))}
    </View>
  );
}

/** A link to 「居住证有什么用」. */
export function AboutPermitLink({ text = '居住证有什么用?' }: { text?: string }) {
  return (
    <View className="eligibility-link" role="link" onClick={() => go('eligibilityAbout')}>
      {text}
    </View>
  );
}

/**
 * On an order page once the receipt is issued: the routes the person's self-check found and what
 * to bring when applying for the 居住证.
 */
export function EligibilityReminder({ eligibility }: { eligibility: OrderEligibility }) {
  return (
    <Card title="办理居住证提醒">
      <View data-testid="eligibility-reminder">
        <Text className="reminder__routes">{`你自测符合:${routeNames(eligibility).join('、')}`}</Text>
        <Text className="reminder__subtitle">办理时请带上</Text>
        <DocumentList eligibility={eligibility} />
        <AboutPermitLink />
      </View>
    </Card>
  );
}

/** For a 深圳居住证 order made without the self-check. */
export function EligibilityCheckLink({ text = '不确定能否办理?先做资格自测' }: { text?: string }) {
  return (
    <View className="eligibility-link" role="link" data-testid="eligibility-check-link" onClick={() => go('eligibilityCheck')}>
      {text}
    </View>
  );
}
