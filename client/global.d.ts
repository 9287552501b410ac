/// <reference types="@tarojs/taro" />

// Style and asset imports handled by Taro's webpack build.
declare module '*.scss';
declare module '*.css';
declare module '*.png' {
  const src: string;
  export default src;
}
declare module '*.jpg' {
  const src: string;
  export default src;
}
declare module '*.jpeg' {
  const src: string;
  export default src;
}
declare module '*.svg' {
  const src: string;
  export default src;
}

declare namespace NodeJS {
  interface ProcessEnv {
    /** Set by the Taro CLI from `--type`; replaced at build time in client code. */
    TARO_ENV?: 'weapp' | 'h5';
    /** API base URL for weapp builds (h5 is same-origin). */
    TARO_APP_API_BASE?: string;
  }
}
