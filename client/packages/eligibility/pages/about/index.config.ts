export default definePageConfig({ navigationBarTitleText: '居住证有什么用' });
