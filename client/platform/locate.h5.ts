import type { GeoPoint, LocatePermission } from './locate';

export type { GeoPoint, LocatePermission } from './locate';

/**
 * h5: the browser's Geolocation API (secure contexts only: https or localhost; elsewhere it
 * fails, and the page simply offers no located city).
 */
const TIMEOUT_MS = 8000;

function geolocation(): Geolocation | null {
  return typeof navigator !== 'undefined' && navigator.geolocation ? navigator.geolocation : null;
}

export async function locatePermission(): Promise<LocatePermission> {
  if (!geolocation()) return 'unavailable';
  try {
    const status = await navigator.permissions?.query({ name: 'geolocation' });
    if (!status) return 'prompt';
    return status.state === 'granted' ? 'granted' : status.state === 'denied' ? 'denied' : 'prompt';
  } catch {
    return 'prompt'; // the Permissions API is missing or refuses the name: asking is the only way to know
  }
}

/** The current position, or null on refusal, failure or time-out; never throws. */
export function currentPosition(): Promise<GeoPoint | null> {
  const geo = geolocation();
  if (!geo) return Promise.resolve(null);
  return new Promise((resolve) => {
    let settled = false;
    const finish = (point: GeoPoint | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(point);
    };
    // Some browsers never call back while their own permission prompt is left open.
    const timer = setTimeout(() => finish(null), TIMEOUT_MS + 2000);
    try {
      geo.getCurrentPosition(
        (p) => finish({ lng: p.coords.longitude, lat: p.coords.latitude }),
        () => finish(null),
        { enableHighAccuracy: false, timeout: TIMEOUT_MS, maximumAge: 30 * 60_000 },
      );
    } catch {
      finish(null);
    }
  });
}
