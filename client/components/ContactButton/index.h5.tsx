import { Text, View } from '@tarojs/components';

import { ROUTES, navigate } from '../../routes';
import { useSupportStore } from '../../stores/support.store';

import './index.scss';

/**
 * 联系客服 in the browser: there is no WeChat session to open, so it leads to the 客服 page (FAQ
 * and how to reach a person), remembering the order the person asks about.
 */
export function ContactButton({ orderId, label = '联系客服' }: { orderId?: string | null; label?: string }) {
  const askAbout = useSupportStore((s) => s.askAbout);
  const open = () => {
    askAbout(orderId ?? null);
    void navigate(ROUTES.service);
  };
  return (
    <View className="contact-button" role="button" data-testid="contact-button" onClick={open}>
      <Text>{label}</Text>
    </View>
  );
}
