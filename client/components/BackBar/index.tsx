/** The mini-program has WeChat's own navigation bar (back arrow; a home button on a page opened
 * with nothing under it), so the app draws no bar of its own: see index.h5.tsx. */
export function BackBar(): JSX.Element | null {
  return null;
}
