export default defineAppConfig({
  // The first entry is the home page; the main package holds only what the first screen needs.
  pages: ['pages/index/index'],
  subPackages: [
    {
      root: 'packages/apply',
      pages: [
        'pages/certificate/index',
        'pages/city/index',
        'pages/consent/index',
        'pages/guide/index',
        'pages/capture/index',
        'pages/result/index',
        'pages/applicant/index',
        'pages/submit/index',
      ],
    },
    { root: 'packages/orders', pages: ['pages/list/index', 'pages/detail/index'] },
    { root: 'packages/account', pages: ['pages/login/index', 'pages/staff-login/index', 'pages/notifications/index'] },
    { root: 'packages/review', pages: ['pages/queue/index', 'pages/detail/index'] },
    { root: 'packages/counter', pages: ['pages/lookup/index'] },
    // 办证资格自测 (深圳居住证): open to everyone, no sign-in.
    { root: 'packages/eligibility', pages: ['pages/check/index', 'pages/result/index', 'pages/about/index'] },
  ],
  window: {
    navigationBarTitleText: '照片回执',
    navigationBarBackgroundColor: '#ffffff',
    navigationBarTextStyle: 'black',
    backgroundColor: '#f5f6f8',
    backgroundTextStyle: 'light',
  },
  // Camera and album access (chooseMedia) are declared in the page that uses them at run time.
  // Location: the city page offers the city the person is in (client/platform/locate.ts). A city
  // is all it needs, so the fuzzy location API; enable it in the WeChat admin console too.
  requiredPrivateInfos: ['getFuzzyLocation'],
  permission: { 'scope.userFuzzyLocation': { desc: '用于推荐你所在的办证城市' } },
});
