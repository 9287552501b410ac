// Babel config for the Taro client build (the server runs through tsx and does not use it).
// `.cjs` because package.json has "type": "module" and Taro's babel-loader loads this synchronously.
// https://docs.taro.zone/docs/next/babel-config
module.exports = {
  presets: [
    [
      'taro',
      {
        framework: 'react',
        ts: true,
        compiler: 'webpack5',
      },
    ],
  ],
};
