/**
 * The Taro API for jsdom tests: navigation and network calls are spies, storage is a Map, and the
 * router reads `routerState` (set it in a test to open a page with parameters).
 */
import { cleanup } from '@testing-library/react';
import { useEffect } from 'react';
import { afterEach, vi } from 'vitest';

export const routerState: { params: Record<string, string>; path: string } = { params: {}, path: '/pages/index/index' };
export const storage = new Map<string, unknown>();

vi.mock('@tarojs/taro', () => {
  const taro = {
    request: vi.fn(async () => ({ statusCode: 200, data: {} })),
    login: vi.fn(async () => ({ code: 'wx-code', errMsg: 'login:ok' })),
    requestSubscribeMessage: vi.fn(),
    uploadFile: vi.fn(),
    chooseMedia: vi.fn(),
    navigateTo: vi.fn(async () => ({})),
    redirectTo: vi.fn(async () => ({})),
    switchTab: vi.fn(async () => ({})),
    reLaunch: vi.fn(async () => ({})),
    navigateBack: vi.fn(async () => ({})),
    getCurrentPages: vi.fn(() => [{}]),
    getStorageSync: vi.fn((key: string) => storage.get(key) ?? ''),
    setStorageSync: vi.fn((key: string, value: unknown) => void storage.set(key, value)),
    removeStorageSync: vi.fn((key: string) => void storage.delete(key)),
    useRouter: () => routerState,
    showModal: vi.fn(async () => ({ confirm: true, cancel: false })),
    showToast: vi.fn(async () => ({})),
    stopPullDownRefresh: vi.fn(),
    downloadFile: vi.fn(),
    getSetting: vi.fn(async () => ({ authSetting: {} })),
    authorize: vi.fn(async () => ({})),
    openSetting: vi.fn(async () => ({ authSetting: {} })),
    saveImageToPhotosAlbum: vi.fn(async () => ({})),
    useDidShow: (fn: () => void) => useEffect(() => fn(), []), // eslint-disable-line react-hooks/exhaustive-deps
    usePullDownRefresh: () => {},
  };
  return { default: taro, ...taro };
});

afterEach(() => {
  cleanup();
  vi.clearAllMocks();
  storage.clear();
  routerState.params = {};
  routerState.path = '/pages/index/index';
});
