export default definePageConfig({ navigationBarTitleText: '办证资格自测' });
