export default definePageConfig({
  navigationBarTitleText: '照片回执',
});
