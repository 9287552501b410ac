import { Image, Text, View } from '@tarojs/components';
import { useEffect, useState } from 'react';

import { HANDOFF_TICKET_MINUTES } from '@shared/scene';

import { apiUrl } from '../../services/config';
import { handoffExpired, useHandoffStore } from '../../stores/handoff.store';
import { ActionButton } from '../ActionButton';
import { Card } from '../Screen';
import { ErrorText } from '../StateView';

import './index.scss';

function clock(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** Re-renders every few seconds while a ticket is on screen, so expiry shows without a reload. */
function useNow(active: boolean): number {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => setNow(Date.now()), 5_000);
    return () => clearInterval(timer);
  }, [active]);
  return now;
}

/**
 * h5: 「在手机上继续」 — a code for this order that only its owner's WeChat can open (a short
 * ticket in the scene, valid for a few minutes).
 */
export function HandoffPanel({ orderId }: { orderId: string }): JSX.Element {
  const view = useHandoffStore((s) => (s.orderId === orderId ? s.view : null));
  const status = useHandoffStore((s) => (s.orderId === orderId ? s.status : 'idle'));
  const error = useHandoffStore((s) => (s.orderId === orderId ? s.error : null));
  const create = useHandoffStore((s) => s.create);
  const now = useNow(view !== null);
  const expired = view !== null && handoffExpired(view, now);

  return (
    <Card title="在手机上继续">
      {view ? (
        <View className="handoff">
          <Image
            className={`handoff__code ${expired ? 'handoff__code--expired' : ''}`}
            src={apiUrl(view.codeUrl)}
            mode="scaleToFill"
            data-testid="handoff-code"
            aria-label="继续办理的小程序码"
          />
          {expired ? (
            <Text className="handoff__expired">二维码已过期,请刷新后再扫</Text>
          ) : (
            <>
              <Text className="handoff__text">用下单时的微信扫码，{HANDOFF_TICKET_MINUTES} 分钟内有效</Text>
              <Text className="handoff__hint">有效期至 {clock(view.expiresAt)}</Text>
            </>
          )}
        </View>
      ) : (
        <Text className="handoff__lead">在手机微信里打开这个订单,拍照、查看结果更方便。</Text>
      )}
      <ErrorText message={error} />
      {view && !expired ? null : (
        <ActionButton
          type="default"
          testId={view ? 'handoff-refresh' : 'handoff-button'}
          loading={status === 'loading'}
          onClick={() => create(orderId)}
        >
          {view ? '刷新二维码' : '在手机上继续'}
        </ActionButton>
      )}
    </Card>
  );
}
