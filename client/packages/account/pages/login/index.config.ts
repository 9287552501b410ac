export default definePageConfig({ navigationBarTitleText: '昵称登录' });
