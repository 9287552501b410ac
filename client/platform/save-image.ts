import Taro from '@tarojs/taro';

/** `saved` (album / download started), `cancelled` (the person said no), `failed`. */
export type SaveResult = 'saved' | 'cancelled' | 'failed';

const SCOPE = 'scope.writePhotosAlbum';

async function ensureAlbumPermission(): Promise<boolean> {
  const setting = await Taro.getSetting();
  const granted = setting.authSetting[SCOPE];
  if (granted === true) return true;
  if (granted === undefined) {
    // Never asked: the system asks now.
    try {
      await Taro.authorize({ scope: SCOPE });
      return true;
    } catch {
      // Refused just now: fall through to the explanation.
    }
  }
  // Refused before: only the settings page can grant it now.
  const { confirm } = await Taro.showModal({
    title: '需要相册权限',
    content: '保存回执需要“保存到相册”的权限。请在设置中允许后再保存。',
    confirmText: '去设置',
    cancelText: '暂不',
  });
  if (!confirm) return false;
  const after = await Taro.openSetting();
  return after.authSetting[SCOPE] === true;
}

/** weapp: download the receipt image and save it to the phone's album (asks for permission). */
export async function saveImage(url: string, _fileName: string): Promise<SaveResult> {
  try {
    if (!(await ensureAlbumPermission())) return 'cancelled';
    const download = await Taro.downloadFile({ url });
    if (download.statusCode !== 200) return 'failed';
    await Taro.saveImageToPhotosAlbum({ filePath: download.tempFilePath });
    return 'saved';
  } catch (error) {
    if (/cancel/i.test(String((error as { errMsg?: string })?.errMsg ?? error))) return 'cancelled';
    console.warn('[save-image]', error);
    return 'failed';
  }
}

/** The button text for saving on this platform. */
export const SAVE_IMAGE_LABEL = '保存到相册';
