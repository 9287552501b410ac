import { Image, Text, View } from '@tarojs/components';

import { ENTRY_SCENE } from '@shared/scene';

import { useWideScreen } from '../../hooks/use-wide-screen';
import { wxacodeUrl } from '../../services/wechat.service';

import './index.scss';

/**
 * h5 on a desktop-wide window: the mini-program code to scan with WeChat (the scene marks where the
 * person came from). Phones never see it: they are the place the code leads to.
 */
export function DesktopEntry(): JSX.Element | null {
  const wide = useWideScreen();
  if (!wide) return null;
  return (
    <View className="desktop-entry" data-testid="desktop-entry-panel">
      <Text className="desktop-entry__title">微信扫码进入小程序</Text>
      {/* Mini-program codes are square: scaleToFill fills the square box exactly. */}
      <Image
        className="desktop-entry__code"
        src={wxacodeUrl(ENTRY_SCENE)}
        mode="scaleToFill"
        data-testid="desktop-entry-code"
        aria-label="小程序码"
      />
      <Text className="desktop-entry__text">用微信扫一扫，在手机上办理</Text>
      <Text className="desktop-entry__hint">拍照、提交和领取回执都在手机上完成，订单和消息随时查看。</Text>
    </View>
  );
}
