import { Text, View } from '@tarojs/components';

import './index.scss';

/**
 * The example picture, drawn with views (no image files): a half-body figure with the head inside
 * an oval, and the guide lines for the crown, the eyes and the chin.
 */
export function PhotoExample() {
  return (
    <View className="example" aria-label="示例:头部在椭圆框内,露出双肩">
      <View className="example__frame">
        <View className="example__line example__line--crown" />
        <Text className="example__tag example__tag--crown">头顶</Text>
        <View className="example__line example__line--eyes" />
        <Text className="example__tag example__tag--eyes">双眼平视</Text>
        <View className="example__line example__line--chin" />
        <Text className="example__tag example__tag--chin">下巴</Text>
        <View className="example__body" />
        <View className="example__neck" />
        <View className="example__head">
          <View className="example__hair" />
          <View className="example__ear example__ear--left" />
          <View className="example__ear example__ear--right" />
          <View className="example__brow example__brow--left" />
          <View className="example__brow example__brow--right" />
          <View className="example__eye example__eye--left" />
          <View className="example__eye example__eye--right" />
          <View className="example__mouth" />
        </View>
        <View className="example__oval" />
      </View>
      <Text className="example__caption">示例:头部在框内居中,露出眉毛和耳朵,拍到双肩</Text>
    </View>
  );
}
