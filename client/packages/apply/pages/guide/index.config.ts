export default definePageConfig({ navigationBarTitleText: '拍摄指南' });
