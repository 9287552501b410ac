import { useCallback, useEffect, useRef, useState } from 'react';

import type { City } from '@shared/cities';
import { locateCity } from '@shared/city-locate';

import type { LocatedState } from '../../../../components/CityPicker';
import { currentPosition, locatePermission } from '../../../../platform/locate';

/**
 * The city the person is in, for the city page: read at once when the platform already allows
 * it, one tap away when it would ask, and nothing at all when it is refused, unavailable or
 * fails (silent and harmless). The position is used here and never stored or sent.
 */
export function useLocatedCity(offered: readonly City[]): { located: LocatedState; locate: () => void } {
  const [located, setLocated] = useState<LocatedState>({ kind: 'none' });
  const alive = useRef(true);
  const offeredRef = useRef(offered);
  offeredRef.current = offered;

  const locate = useCallback(() => {
    setLocated({ kind: 'locating' });
    void currentPosition().then((point) => {
      if (!alive.current) return;
      const city = point ? locateCity(point, offeredRef.current) : null;
      setLocated(city ? { kind: 'found', city } : { kind: 'none' });
    });
  }, []);

  useEffect(() => {
    alive.current = true;
    void locatePermission().then((permission) => {
      if (!alive.current) return;
      if (permission === 'granted') locate();
      else if (permission === 'prompt') setLocated({ kind: 'can_ask' });
    });
    return () => {
      alive.current = false;
    };
  }, [locate]);

  return { located, locate };
}
