import type { PropsWithChildren } from 'react';

import './app.scss';

/** Root component: Taro renders the current page as `children`. App-wide providers go here. */
function App({ children }: PropsWithChildren) {
  return children;
}

export default App;
