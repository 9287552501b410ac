import { View } from '@tarojs/components';

import { goHome } from '../../routes';
import { useSessionStore } from '../../stores/session.store';

/** 「退出登录」 on the staff pages: ends the session and goes back to the home page. */
export function SignOutLink({ className }: { className: string }) {
  const logout = useSessionStore((s) => s.logout);
  return (
    <View
      className={className}
      role="button"
      onClick={() => {
        logout();
        goHome();
      }}
    >
      退出登录
    </View>
  );
}
