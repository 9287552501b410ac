import { Input, Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { useState } from 'react';

import { LocalLoginBody } from '@shared/api';

import { ActionButton } from '../../../../components/ActionButton';
import { Card, Screen } from '../../../../components/Screen';
import { ErrorText } from '../../../../components/StateView';
import { useRouteParam } from '../../../../hooks/use-session-gate';
import { ROUTES } from '../../../../routes';
import { useSessionStore } from '../../../../stores/session.store';

import './index.scss';

/** Local mode: a nickname. (WeChat mode will call wx.login behind the same store action.) */
export default function LoginPage() {
  const redirect = useRouteParam('redirect');
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
    if (!(await loginLocal(parsed.data.nickname))) return;
    const target = redirect ?? ROUTES.home;
    if (target === ROUTES.home) void Taro.reLaunch({ url: ROUTES.home });
    else void Taro.redirectTo({ url: target });
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
          <ActionButton onClick={() => void submit()} loading={loading}>
            登录
          </ActionButton>
        </View>
      </Card>
    </Screen>
  );
}
