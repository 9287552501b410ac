import { Text, View } from '@tarojs/components';
import { useState } from 'react';

import { ContactButton } from '../../components/ContactButton';
import { Screen, Card } from '../../components/Screen';
import { CONTACT_HINT, CONTACT_SESSION_AVAILABLE } from '../../platform/contact';
import { useSupportStore } from '../../stores/support.store';
import { FAQ } from './faq';

import './index.scss';

/** 客服 (tab bar): answers to the common questions, and how to reach a person about an order. */
export default function ServicePage() {
  const orderId = useSupportStore((s) => s.orderId);
  const [open, setOpen] = useState<number | null>(null);

  return (
    <Screen className="service">
      <Card title="联系人工客服">
        {orderId ? (
          <View className="service__order" data-testid="service-order">
            <Text>咨询的订单号:</Text>
            <Text className="service__order-id" selectable>
              {orderId}
            </Text>
          </View>
        ) : null}
        <Text className="service__hint">{CONTACT_HINT}</Text>
        {CONTACT_SESSION_AVAILABLE ? <ContactButton orderId={orderId} /> : null}
      </Card>
      <Card title="常见问题">
        {FAQ.map((entry, index) => (
          <View key={entry.question} className="faq__item">
            <View className="faq__question" role="button" aria-expanded={open === index} onClick={() => setOpen(open === index ? null : index)}>
              <Text>{entry.question}</Text>
              <Text className="faq__toggle">{open === index ? '收起' : '展开'}</Text>
            </View>
            {open === index ? <Text className="faq__answer">{entry.answer}</Text> : null}
          </View>
        ))}
      </Card>
    </Screen>
  );
}
