import type { PropsWithChildren } from 'react';
import { useEffect } from 'react';

import { makeScriptLinksInert } from './platform/inert-script-links';
import { WECHAT_LOGIN_AVAILABLE } from './platform/wechat-login';
import { useClientConfigStore } from './stores/client-config.store';
// Registers the session token with the http transport before any page makes a call.
import { sessionSelectors, useSessionStore } from './stores/session.store';

import './app.scss';

// h5: Taro's tab bar links are `javascript:;`, which the app's CSP refuses to follow (and logs).
makeScriptLinksInert();

/** Root component: Taro renders the current page as `children`. App-wide providers go here. */
function App({ children }: PropsWithChildren) {
  useEffect(() => {
    // Template ids and the WeChat mode, before the first tap that needs them.
    void useClientConfigStore.getState().load();
    // The mini-program signs in silently with WeChat; h5 signs in when a page needs it.
    if (WECHAT_LOGIN_AVAILABLE && !sessionSelectors.isSignedIn(useSessionStore.getState())) {
      void useSessionStore.getState().loginWechat();
    }
  }, []);
  return children;
}

export default App;
