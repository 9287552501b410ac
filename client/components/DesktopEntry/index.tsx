/** The mini-program itself needs no 「微信扫码进入小程序」 panel: see index.h5.tsx. */
export function DesktopEntry(): JSX.Element | null {
  return null;
}
