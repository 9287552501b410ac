export default defineAppConfig({
  // The first entry is the home page; it stays in the main package with what the first screen needs.
  pages: ['pages/index/index'],
  window: {
    navigationBarTitleText: '照片回执',
    navigationBarBackgroundColor: '#ffffff',
    navigationBarTextStyle: 'black',
    backgroundColor: '#f5f6f8',
    backgroundTextStyle: 'light',
  },
});
