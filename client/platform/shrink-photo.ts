import Taro from '@tarojs/taro';

import type { ChosenPhoto } from './choose-photo';

/**
 * weapp: a photo over the upload limit is re-encoded on the phone (wx.compressImage; the engine
 * needs far fewer pixels than a 50 MP original has). Resolves with the smaller copy, or the photo
 * as it was when the platform cannot shrink it.
 */
export async function shrinkPhoto(photo: ChosenPhoto): Promise<ChosenPhoto> {
  try {
    const { tempFilePath } = await Taro.compressImage({ src: photo.path, quality: 80, compressedWidth: 3000 });
    const info = await Taro.getFileInfo({ filePath: tempFilePath });
    return { path: tempFilePath, size: 'size' in info ? info.size : undefined };
  } catch {
    return photo;
  }
}
