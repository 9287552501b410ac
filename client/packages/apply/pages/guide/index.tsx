import { Text } from '@tarojs/components';

import { ActionButton } from '../../../../components/ActionButton';
import { PhotoExample } from '../../../../components/PhotoExample';
import { PhotoGuide } from '../../../../components/PhotoGuide';
import { Card, Screen } from '../../../../components/Screen';
import { openSignedIn, useRouteParam } from '../../../../hooks/use-session-gate';
import { replace } from '../../../../routes';
import { sessionSelectors, useSessionStore } from '../../../../stores/session.store';

import '../../apply.scss';

/** Opened from the home page (read only) or inside an order (then it leads to the camera). */
export default function GuidePage() {
  const orderId = useRouteParam('orderId');
  const hasConsent = useSessionStore(sessionSelectors.hasConsent);

  const footer = orderId ? (
    <ActionButton onClick={() => replace(hasConsent ? 'capture' : 'consent', { orderId })}>我已了解,去拍照</ActionButton>
  ) : (
    <ActionButton onClick={() => openSignedIn('certificate')}>开始办理</ActionButton>
  );

  return (
    <Screen footer={footer}>
      <Text className="apply__lead">按下面的要求拍一张半身照,系统会自动裁剪尺寸并换成白色背景。</Text>
      <Card title="示例">
        <PhotoExample />
      </Card>
      <Card title="拍摄要求">
        <PhotoGuide />
      </Card>
    </Screen>
  );
}
