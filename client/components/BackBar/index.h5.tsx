import Taro, { useRouter } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { useEffect, useState } from 'react';

import { parentPage } from './parent';

import './index.scss';

/** Whether a page lies under the current one in Taro's stack (navigateBack has somewhere to go). */
function hasPageBelow(): boolean {
  return Taro.getCurrentPages().length > 1;
}

/**
 * h5 has no WeChat navigation bar, so every page off the tab bar starts with this one: 「返回」 to the
 * page below, or, when the page was opened directly (a link, a code, a reload) and nothing is
 * below it, a way to its parent (订单, 审核台, …) or 首页. Tab pages show none (the tab bar is there).
 */
export function BackBar(): JSX.Element | null {
  const router = useRouter();
  const [below, setBelow] = useState(hasPageBelow);
  // The page may join Taro's stack after its first render: read it again once mounted.
  useEffect(() => setBelow(hasPageBelow()), []);
  const parent = parentPage(router.path, router.params);
  if (!parent) return null;
  const back = () => {
    if (below) void Taro.navigateBack();
    else void Taro.reLaunch({ url: parent.url });
  };
  return (
    <View className="back-bar" data-testid="back-bar">
      <View className="back-bar__button" role="button" data-testid="back-button" onClick={back}>
        <View className="back-bar__chevron" />
        <Text className="back-bar__label">{below ? '返回' : parent.label}</Text>
      </View>
    </View>
  );
}
