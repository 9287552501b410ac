import Taro from '@tarojs/taro';

/** A position in degrees (WGS-84). */
export interface GeoPoint {
  lng: number;
  lat: number;
}

/**
 * `granted`: the position can be read without asking; `prompt`: reading it asks the person
 * first; `denied`: they said no before (never ask again from here); `unavailable`: the
 * platform cannot tell.
 */
export type LocatePermission = 'granted' | 'prompt' | 'denied' | 'unavailable';

/**
 * weapp: wx.getFuzzyLocation (base library 2.25.0+, city-level precision is all the city page
 * needs; declared in app.config.ts `requiredPrivateInfos` with the `scope.userFuzzyLocation`
 * purpose text, and enabled for the app in the WeChat admin console).
 */
const SCOPE = 'scope.userFuzzyLocation';

export async function locatePermission(): Promise<LocatePermission> {
  try {
    if (!Taro.canIUse('getFuzzyLocation')) return 'unavailable';
    const { authSetting } = await Taro.getSetting();
    const granted = (authSetting as Record<string, boolean | undefined>)[SCOPE];
    return granted === true ? 'granted' : granted === false ? 'denied' : 'prompt';
  } catch {
    return 'unavailable';
  }
}

/** The current position, or null on refusal, failure or an old base library; never throws. */
export function currentPosition(): Promise<GeoPoint | null> {
  return new Promise((resolve) => {
    try {
      if (!Taro.canIUse('getFuzzyLocation')) return resolve(null);
      Taro.getFuzzyLocation({
        type: 'wgs84',
        success: (res) => resolve(Number.isFinite(res.longitude) && Number.isFinite(res.latitude) ? { lng: res.longitude, lat: res.latitude } : null),
        fail: () => resolve(null),
      });
    } catch {
      resolve(null);
    }
  });
}
