import { Input, Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { useState } from 'react';

import { ActionButton } from '../../../../components/ActionButton';
import { Card, Screen } from '../../../../components/Screen';
import { ErrorText } from '../../../../components/StateView';
import { useRouteParam } from '../../../../hooks/use-session-gate';
import { ROUTES, redirect as openInstead, staffHome } from '../../../../routes';
import { useSessionStore } from '../../../../stores/session.store';

import '../login/index.scss';

/** Staff sign-in (username + password): reviewers go to 审核台, counter staff to 窗口查询. */
export default function StaffLoginPage() {
  const redirect = useRouteParam('redirect');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const loginStaff = useSessionStore((s) => s.loginStaff);
  const loading = useSessionStore((s) => s.loginStatus === 'loading');
  const error = useSessionStore((s) => s.loginError);

  const submit = async () => {
    const role = await loginStaff(username, password);
    if (!role) return;
    const home = staffHome(role);
    // Only follow the redirect when it is a page of this role's console.
    const target = redirect && redirect.split('?')[0] === home.split('?')[0] ? redirect : home;
    void openInstead(target);
  };

  return (
    <Screen>
      <Card title="工作人员登录">
        <Text className="login__intro">审核员和窗口工作人员使用分配的账号登录。</Text>
        <View className="login__field">
          <Input
            className="login__input"
            name="username"
            value={username}
            maxlength={40}
            placeholder="用户名"
            onInput={(e) => setUsername(e.detail.value)}
          />
        </View>
        <View className="login__field">
          <Input
            className="login__input"
            name="password"
            password
            value={password}
            maxlength={64}
            placeholder="密码"
            onInput={(e) => setPassword(e.detail.value)}
            onConfirm={() => void submit()}
          />
        </View>
        <ErrorText message={error} />
        <View className="login__actions">
          <ActionButton onClick={submit} loading={loading}>
            登录
          </ActionButton>
          <ActionButton type="default" onClick={() => void Taro.reLaunch({ url: ROUTES.home })}>
            返回首页
          </ActionButton>
        </View>
      </Card>
    </Screen>
  );
}
