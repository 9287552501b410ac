import { Text, View } from '@tarojs/components';

import { ActionButton } from '../../components/ActionButton';
import { Screen } from '../../components/Screen';
import { openSignedIn } from '../../hooks/use-session-gate';
import { go } from '../../routes';
import { sessionSelectors, useSessionStore } from '../../stores/session.store';

import './index.scss';

const STEPS = ['选择证件和城市', '按指南拍一张半身照', '自动处理并检测', '填写信息提交审核', '领取回执和图像号'];

export default function Index() {
  const nickname = useSessionStore(sessionSelectors.nickname);
  const signedIn = useSessionStore(sessionSelectors.isSignedIn);
  const logout = useSessionStore((s) => s.logout);
  const role = useSessionStore((s) => s.role);
  const openStaff = () => {
    if (role === 'counter') go('counter');
    else if (role === 'reviewer' || role === 'admin') go('reviewQueue');
    else go('staffLogin');
  };

  return (
    <Screen className="home">
      <View className="home__hero">
        <Text className="home__title">照片回执</Text>
        <Text className="home__intro">
          {'办居住证、身份证、社保卡、护照、港澳台通行证或驾驶证时,窗口会要求提供“数码照片回执”:照片经检测合格后入库,凭回执上的图像号即可调取照片。'}
        </Text>
        <Text className="home__intro">在这里用手机拍一张半身照,自动处理成证件照规格,审核通过后即可领取回执,不用再跑照相馆。</Text>
      </View>

      <View className="home__actions">
        <ActionButton onClick={() => openSignedIn('certificate')}>回执办理</ActionButton>
        <ActionButton type="default" onClick={() => go('guide')}>
          拍摄指南
        </ActionButton>
        <ActionButton type="default" onClick={() => openSignedIn('orders')}>
          我的订单
        </ActionButton>
      </View>

      <View className="home__steps">
        <Text className="home__section-title">办理流程</Text>
        {STEPS.map((step, index) => (
          <View key={step} className="home__step">
            <Text className="home__step-index">{index + 1}</Text>
            <Text className="home__step-text">{step}</Text>
          </View>
        ))}
        <Text className="home__note">照片不合格会立即告诉你原因,可免费重拍;审核未通过也可在原订单免费重新提交。</Text>
      </View>

      {signedIn ? (
        <View className="home__account">
          <Text className="home__account-name">已登录:{nickname ?? '用户'}</Text>
          <Text className="home__account-logout" onClick={logout}>
            退出登录
          </Text>
        </View>
      ) : null}

      <View className="home__staff">
        <View className="home__staff-link" role="link" onClick={openStaff}>
          工作人员入口
        </View>
      </View>
    </Screen>
  );
}
