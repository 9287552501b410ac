import { View } from '@tarojs/components';
import type { PropsWithChildren, ReactNode } from 'react';

import { BackBar } from '../BackBar';

import './index.scss';

/** Page frame: a centred column (phone width on desktop) with an optional sticky footer; on h5 a
 * page off the tab bar starts with its way back (BackBar). */
export function Screen({ children, footer, className }: PropsWithChildren<{ footer?: ReactNode; className?: string }>) {
  return (
    <View className={`screen ${footer ? 'screen--with-footer' : ''} ${className ?? ''}`}>
      <BackBar />
      <View className="screen__body">{children}</View>
      {footer ? <View className="screen__footer">{footer}</View> : null}
    </View>
  );
}

export function Card({ children, title }: PropsWithChildren<{ title?: string }>) {
  return (
    <View className="card">
      {title ? <View className="card__title">{title}</View> : null}
      {children}
    </View>
  );
}
