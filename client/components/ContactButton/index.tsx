import { Button } from '@tarojs/components';

import './index.scss';

/**
 * 联系客服 in the mini-program: WeChat's own customer-service session (open-type="contact"). The
 * order number travels as `session-from`, so the agent sees which order the person means.
 */
export function ContactButton({ orderId, label = '联系在线客服' }: { orderId?: string | null; label?: string }) {
  return (
    <Button className="contact-button" openType="contact" sessionFrom={orderId ? `order:${orderId}` : 'app'} showMessageCard={false}>
      {label}
    </Button>
  );
}
