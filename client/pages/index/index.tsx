import { Text, View } from '@tarojs/components';
import { useDidShow, useRouter } from '@tarojs/taro';
import { useEffect, useRef } from 'react';

import { ActionButton } from '../../components/ActionButton';
import { DesktopEntry } from '../../components/DesktopEntry';
import { MessagesLink } from '../../components/MessagesLink';
import { Screen } from '../../components/Screen';
import { openSignedIn } from '../../hooks/use-session-gate';
import { go } from '../../routes';
import { useLaunchSceneStore } from '../../stores/launch-scene.store';
import { notificationsSelectors, useNotificationsStore } from '../../stores/notifications.store';
import { sessionSelectors, useSessionStore } from '../../stores/session.store';

import './index.scss';

const STEPS = ['选择证件和城市', '按指南拍一张半身照', '自动处理并检测', '填写信息提交审核', '领取回执和图像号'];

export default function Index() {
  const nickname = useSessionStore(sessionSelectors.nickname);
  const signedIn = useSessionStore(sessionSelectors.isSignedIn);
  const logout = useSessionStore((s) => s.logout);
  const role = useSessionStore((s) => s.role);
  const isStaff = useSessionStore(sessionSelectors.isStaff);
  const unread = useNotificationsStore(notificationsSelectors.unread);
  const loadNotifications = useNotificationsStore((s) => s.load);
  const scene = useRouter().params.scene;
  const sceneStatus = useLaunchSceneStore((s) => s.status);
  const sceneError = useLaunchSceneStore((s) => s.error);
  const handleScene = useLaunchSceneStore((s) => s.handle);
  const dismissSceneError = useLaunchSceneStore((s) => s.dismiss);
  const showMessages = signedIn && !isStaff;

  // Every mini-program code opens this page; a 「在手机上继续」 code carries a ticket to redeem.
  useEffect(() => {
    void handleScene(scene);
  }, [scene, handleScene]);

  // The unread count, fresh whenever the page shows again (and after signing in).
  useDidShow(() => {
    const session = useSessionStore.getState();
    if (sessionSelectors.isSignedIn(session) && !sessionSelectors.isStaff(session)) void loadNotifications();
  });
  // …and when a sign-in finishes while the page is on screen (the mini-program's silent login).
  const messagesShown = useRef(showMessages);
  useEffect(() => {
    if (showMessages && !messagesShown.current) void loadNotifications();
    messagesShown.current = showMessages;
  }, [showMessages, loadNotifications]);

  const openStaff = () => {
    if (role === 'counter') go('counter');
    else if (role === 'reviewer' || role === 'admin') go('reviewQueue');
    else go('staffLogin');
  };

  return (
    <Screen className="home">
      <DesktopEntry />
      {sceneStatus === 'working' ? (
        <View className="home__notice" data-testid="scene-working">
          <Text>正在打开订单…</Text>
        </View>
      ) : null}
      {sceneError ? (
        <View className="home__notice home__notice--error" role="alert" data-testid="scene-error">
          <Text className="home__notice-text">{sceneError}</Text>
          <View className="home__notice-close" role="button" onClick={dismissSceneError}>
            知道了
          </View>
        </View>
      ) : null}
      <View className="home__hero">
        <Text className="home__title">照片回执</Text>
        <Text className="home__intro">
          {'办居住证、身份证、社保卡、护照、港澳台通行证或驾驶证时,窗口会要求提供“数码照片回执”:照片经检测合格后入库,凭回执上的图像号即可调取照片。'}
        </Text>
        <Text className="home__intro">在这里用手机拍一张半身照,自动处理成证件照规格,审核通过后即可领取回执,不用再跑照相馆。</Text>
      </View>

      <View className="home__actions">
        <ActionButton onClick={() => void openSignedIn('certificate')}>回执办理</ActionButton>
        <ActionButton type="default" onClick={() => go('guide')}>
          拍摄指南
        </ActionButton>
        <ActionButton type="default" onClick={() => void openSignedIn('orders')}>
          我的订单
        </ActionButton>
      </View>

      <View className="home__check" role="link" data-testid="eligibility-entry" onClick={() => go('eligibilityCheck')}>
        <View className="home__check-body">
          <Text className="home__check-title">办证资格自测</Text>
          <Text className="home__check-text">深圳居住证:拍照前先看看能不能办、还差什么、哪天起符合</Text>
        </View>
        <Text className="home__check-arrow">›</Text>
      </View>

      {showMessages ? <MessagesLink unread={unread} onClick={() => go('notifications')} /> : null}

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
