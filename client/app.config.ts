export default defineAppConfig({
  // The first entry is the home page; the main package holds only what the first screen needs.
  // The tab bar's three pages (首页 · 订单 · 客服) must be in the main package.
  pages: ['pages/index/index', 'pages/orders/index', 'pages/service/index'],
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
    { root: 'packages/orders', pages: ['pages/detail/index'] },
    { root: 'packages/account', pages: ['pages/login/index', 'pages/staff-login/index', 'pages/notifications/index'] },
    { root: 'packages/review', pages: ['pages/queue/index', 'pages/detail/index'] },
    { root: 'packages/counter', pages: ['pages/lookup/index'] },
    // 办证资格自测 (深圳居住证): open to everyone, no sign-in.
    { root: 'packages/eligibility', pages: ['pages/check/index', 'pages/result/index', 'pages/about/index'] },
  ],
  // The articles send people to 「订单」 at the bottom for the receipt and 「客服」 for help.
  tabBar: {
    color: '#999999',
    selectedColor: '#07c160',
    backgroundColor: '#ffffff',
    borderStyle: 'black',
    list: [
      { pagePath: 'pages/index/index', text: '首页', iconPath: 'assets/tabbar/home.png', selectedIconPath: 'assets/tabbar/home-active.png' },
      { pagePath: 'pages/orders/index', text: '订单', iconPath: 'assets/tabbar/orders.png', selectedIconPath: 'assets/tabbar/orders-active.png' },
      { pagePath: 'pages/service/index', text: '客服', iconPath: 'assets/tabbar/service.png', selectedIconPath: 'assets/tabbar/service-active.png' },
    ],
  },
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
