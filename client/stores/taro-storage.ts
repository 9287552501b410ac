import Taro from '@tarojs/taro';
import { createJSONStorage, type StateStorage } from 'zustand/middleware';

/** zustand persist over Taro's storage (wx storage on weapp, localStorage on h5). */
const taroStateStorage: StateStorage = {
  getItem: (name) => {
    const value = Taro.getStorageSync(name) as unknown;
    return typeof value === 'string' && value !== '' ? value : null;
  },
  setItem: (name, value) => Taro.setStorageSync(name, value),
  removeItem: (name) => Taro.removeStorageSync(name),
};

export const taroStorage = createJSONStorage(() => taroStateStorage);
