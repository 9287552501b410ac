import type { PropsWithChildren } from 'react';

// Registers the session token with the http transport before any page makes a call.
import './stores/session.store';

import './app.scss';

/** Root component: Taro renders the current page as `children`. App-wide providers go here. */
function App({ children }: PropsWithChildren) {
  return children;
}

export default App;
