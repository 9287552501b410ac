import { Input, Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { useEffect, useState } from 'react';

import { LocalLoginBody } from '@shared/api';

import { ActionButton } from '../../../../components/ActionButton';
import { Card, Screen } from '../../../../components/Screen';
import { ErrorText } from '../../../../components/StateView';
import { useRouteParam } from '../../../../hooks/use-session-gate';
import { WECHAT_LOGIN_AVAILABLE } from '../../../../platform/wechat-login';
import { ROUTES, redirect as openInstead } from '../../../../routes';
import { useSessionStore } from '../../../../stores/session.store';

import './index.scss';

/** Back to where the person was going; the home page is relaunched (it may carry a `scene`). */
function continueTo(redirect: string | null): void {
  const target = redirect ?? ROUTES.home;
  if (target.split('?')[0] === ROUTES.home) void Taro.reLaunch({ url: target });
  else void openInstead(target);
}

/** The mini-program: WeChat sign-in, tried at once; this page stays only to say why it failed. */
function WechatLogin({ redirect }: { redirect: string | null }) {
  const loginWechat = useSessionStore((s) => s.loginWechat);
  const loading = useSessionStore((s) => s.loginStatus === 'loading');
  const error = useSessionStore((s) => s.loginError);

  const submit = async () => {
    if (await loginWechat()) continueTo(redirect);
  };

  useEffect(() => {
    void submit();
  }, []); // eslint-disable-line react-hooks/exhaustive-deps

  return (
    <Screen>
      <Card title="欢迎使用照片回执">
        <Text className="login__intro">{loading ? '正在使用微信登录…' : '使用微信身份登录,订单与你的微信绑定。'}</Text>
        <ErrorText message={error} />
        <View className="login__actions">
          <ActionButton onClick={submit} loading={loading}>
            微信登录
          </ActionButton>
        </View>
      </Card>
    </Screen>
  );
}

/** h5 in local mode: a nickname. */
function NicknameLogin({ redirect }: { redirect: string | null }) {
  const [nickname, setNickname] = useState(useSessionStore.getState().nickname ?? '');
  const loginLocal = useSessionStore((s) => s.loginLocal);
  const setLoginError = useSessionStore((s) => s.setLoginError);
  const loading = useSessionStore((s) => s.loginStatus === 'loading');
  const error = useSessionStore((s) => s.loginError);

  const submit = async () => {
    const parsed = LocalLoginBody.safeParse({ nickname });
    if (!parsed.success) {
      setLoginError(parsed.error.issues[0]?.message ?? '请输入昵称');
      return;
    }
    if (await loginLocal(parsed.data.nickname)) continueTo(redirect);
  };

  return (
    <Screen>
      <Card title="欢迎使用照片回执">
        <Text className="login__intro">输入一个昵称即可开始办理。订单与这个昵称绑定,请记住它。</Text>
        <View className="login__field">
          <Input
            className="login__input"
            name="nickname"
            value={nickname}
            maxlength={20}
            placeholder="请输入昵称"
            onInput={(e) => setNickname(e.detail.value)}
            onConfirm={() => void submit()}
          />
        </View>
        <ErrorText message={error} />
        <View className="login__actions">
          <ActionButton onClick={submit} loading={loading}>
            登录
          </ActionButton>
        </View>
      </Card>
    </Screen>
  );
}

/** Sign-in: WeChat in the mini-program, a nickname on h5 (local mode). */
export default function LoginPage() {
  const redirect = useRouteParam('redirect');
  return WECHAT_LOGIN_AVAILABLE ? <WechatLogin redirect={redirect} /> : <NicknameLogin redirect={redirect} />;
}
