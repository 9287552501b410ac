import { useEffect, useState } from 'react';

/** A desktop browser window: wide enough for a side panel next to the 480px column. */
export const WIDE_SCREEN_MIN_WIDTH = 960;

function isWide(): boolean {
  return typeof window !== 'undefined' && window.innerWidth >= WIDE_SCREEN_MIN_WIDTH;
}

/** h5 only (weapp has no window): whether the window is desktop-wide, following resizes. */
export function useWideScreen(): boolean {
  const [wide, setWide] = useState(isWide);
  useEffect(() => {
    const update = () => setWide(isWide());
    update();
    window.addEventListener('resize', update);
    return () => window.removeEventListener('resize', update);
  }, []);
  return wide;
}
