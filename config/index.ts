import path from 'node:path';
import { defineConfig, type UserConfigExport } from '@tarojs/cli';

import devConfig from './dev';
import prodConfig from './prod';

// Taro compiles this file to CommonJS (swc) before requiring it, so __dirname is defined.
const rootDir = path.resolve(__dirname, '..');
const sharedDir = path.join(rootDir, 'shared');

// One output folder per target (dist/weapp, dist/h5) so the two builds never overwrite each other.
const taroEnv = process.env.TARO_ENV ?? 'weapp';

export default defineConfig<'webpack5'>(async (merge) => {
  const baseConfig: UserConfigExport<'webpack5'> = {
    projectName: 'zhaopian-huizhi',
    // Styles are written against a 750-wide design; rpx (and px) become rpx on weapp and rem on h5.
    designWidth: 750,
    deviceRatio: {
      640: 2.34 / 2,
      750: 1,
      375: 2,
      828: 1.81 / 2,
    },
    sourceRoot: 'client',
    outputRoot: `dist/${taroEnv}`,
    // `import … from '@shared/certificates'` reaches the project's shared/ folder in the build.
    // TypeScript needs the same mapping (`paths` in the root tsconfig) before client code can use it.
    alias: {
      '@shared': sharedDir,
    },
    plugins: [],
    // h5 only: the live camera's face detector (BlazeFace model + tfjs wasm binaries), served from
    // static/face/ and fetched only when the capture page opens the camera. weapp uses VisionKit.
    copy: {
      patterns:
        taroEnv === 'h5'
          ? [
              { from: 'node_modules/@vladmandic/human/models/blazeface.json', to: 'dist/h5/static/face/blazeface.json' },
              { from: 'node_modules/@vladmandic/human/models/blazeface.bin', to: 'dist/h5/static/face/blazeface.bin' },
              ...['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'].map((f) => ({
                from: `node_modules/@tensorflow/tfjs-backend-wasm/dist/${f}`,
                to: `dist/h5/static/face/${f}`,
              })),
            ]
          : [],
      options: {},
    },
    framework: 'react',
    // Prebundling (esbuild over node_modules, dev only) is off: one less moving part, and dev:h5
    // starts in ≈ 10 s without it.
    compiler: { type: 'webpack5', prebundle: { enable: false } },
    cache: { enable: false },
    mini: {
      // shared/ lives outside sourceRoot: without this its TypeScript would not go through Babel.
      compile: { include: [sharedDir] },
      // Component styles have no cross-file ordering dependencies (BEM classes, one file each).
      miniCssExtractPluginOption: { ignoreOrder: true },
      postcss: {
        pxtransform: { enable: true, config: {} },
        cssModules: { enable: false },
      },
    },
    h5: {
      publicPath: '/',
      staticDirectory: 'static',
      compile: { include: [sharedDir] },
      router: { mode: 'hash' },
      output: {
        filename: 'js/[name].[contenthash:8].js',
        chunkFilename: 'js/[name].[contenthash:8].js',
      },
      miniCssExtractPluginOption: {
        ignoreOrder: true,
        filename: 'css/[name].[contenthash:8].css',
        chunkFilename: 'css/[name].[contenthash:8].css',
      },
      postcss: {
        autoprefixer: { enable: true, config: {} },
        cssModules: { enable: false },
      },
      webpackChain(chain) {
        // Taro's runtime and React alone are ≈ 300 KiB minified, above webpack's 244 KiB default
        // budget; warn only when the first screen grows well past that.
        chain.performance.maxEntrypointSize(400 * 1024).maxAssetSize(400 * 1024);
      },
    },
  };

  return process.env.NODE_ENV === 'development'
    ? merge({}, baseConfig, devConfig)
    : merge({}, baseConfig, prodConfig);
});
