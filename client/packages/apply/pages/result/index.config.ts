export default definePageConfig({ navigationBarTitleText: '处理结果' });
