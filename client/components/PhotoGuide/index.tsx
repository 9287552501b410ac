import { Text, View } from '@tarojs/components';

import './index.scss';

/** What a good photo needs (PRODUCT.md, guide & capture). */
export const PHOTO_REQUIREMENTS: readonly { title: string; text: string }[] = [
  { title: '表情自然', text: '不笑不皱眉,嘴巴自然闭合' },
  { title: '睁眼平视', text: '双眼睁开,直视镜头,头不要歪' },
  { title: '露出眉毛和耳朵', text: '头发别到耳后,刘海不要遮住眉毛' },
  { title: '不戴饰品', text: '不戴耳环、项链、帽子、发夹' },
  { title: '光线均匀', text: '白天面向窗户站,脸上没有阴影和反光' },
  { title: '背景不限', text: '任何背景都可以,白墙最好,系统会自动换成白底' },
  { title: '拍半身照', text: '从头顶到胸口,露出双肩' },
  { title: '手机与眼睛同高', text: '请他人帮忙或把手机架在与眼睛同高的位置' },
];

export function PhotoGuide() {
  return (
    <View className="guide-list">
      {PHOTO_REQUIREMENTS.map((item, index) => (
        <View key={item.title} className="guide-item">
          <Text className="guide-item__index">{index + 1}</Text>
          <View className="guide-item__body">
            <Text className="guide-item__title">{item.title}</Text>
            <Text className="guide-item__text">{item.text}</Text>
          </View>
        </View>
      ))}
    </View>
  );
}
