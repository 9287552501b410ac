import { Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { useState } from 'react';

import { ActionButton } from '../../../../components/ActionButton';
import { Card, Screen } from '../../../../components/Screen';
import { useRouteParam } from '../../../../hooks/use-session-gate';
import { replace } from '../../../../routes';
import { useSessionStore } from '../../../../stores/session.store';

import './index.scss';

const POINTS: readonly { title: string; text: string }[] = [
  {
    title: '收集什么',
    text: '你的面部照片和身份证号属于敏感个人信息。我们只收集办理回执必需的:照片、姓名、身份证号、手机号。',
  },
  {
    title: '为什么收集',
    text: '照片用于按证件规格处理、检测并提交检测中心审核、生成回执;身份证号和姓名用于回执与办证窗口核对本人;手机号用于联系你。',
  },
  { title: '如何保存', text: '身份证号加密存储,页面和订单中只显示部分号码;照片不保存拍摄位置等 EXIF 信息。' },
  { title: '保存多久', text: '原始照片在处理完成后即删除;处理后的证件照在回执过期后定期清除。' },
  { title: '谁能看到', text: '只有你本人、检测中心审核员和办证窗口可查看,每次查阅都有记录。' },
];

/** Separate, explicit consent before the first photo and ID number are collected (PIPL). */
export default function ConsentPage() {
  const orderId = useRouteParam('orderId');
  const [checked, setChecked] = useState(false);
  const giveConsent = useSessionStore((s) => s.giveConsent);

  const agree = () => {
    giveConsent();
    if (orderId) replace('guide', { orderId });
    else void Taro.navigateBack();
  };

  return (
    <Screen
      footer={
        <ActionButton onClick={agree} disabled={!checked} disabledReason="请先勾选同意,才能拍照和填写身份信息">
          同意并继续
        </ActionButton>
      }
    >
      <Card title="个人信息处理规则">
        {POINTS.map((p) => (
          <View key={p.title} className="consent__point">
            <Text className="consent__title">{p.title}</Text>
            <Text className="consent__text">{p.text}</Text>
          </View>
        ))}
      </Card>
      <View
        className={`consent__check ${checked ? 'consent__check--on' : ''}`}
        role="checkbox"
        aria-checked={checked}
        onClick={() => setChecked((v) => !v)}
      >
        <Text className="consent__box">{checked ? '✓' : ''}</Text>
        <Text className="consent__label">我已阅读并同意上述规则,同意处理我的面部照片和身份证号等敏感个人信息</Text>
      </View>
    </Screen>
  );
}
