import { Text, View } from '@tarojs/components';

import './index.scss';

export function Spinner({ text }: { text?: string }) {
  return (
    <View className="spinner" role="status" aria-busy="true">
      <View className="spinner__ring" />
      {text ? <Text className="spinner__text">{text}</Text> : null}
    </View>
  );
}
