import Taro from '@tarojs/taro';

/** A photo the person picked: `path` shows it in <Image>; `file` is set where the platform has one (h5). */
export interface ChosenPhoto {
  path: string;
  size?: number;
  file?: Blob;
}

export type PhotoSource = 'camera' | 'album';

function isCancel(error: unknown): boolean {
  return /cancel/i.test(String((error as { errMsg?: string })?.errMsg ?? error));
}

/** weapp: the system camera (front lens) or the album. Resolves null when the person cancels. */
export async function choosePhoto(source: PhotoSource): Promise<ChosenPhoto | null> {
  try {
    const result = await Taro.chooseMedia({
      count: 1,
      mediaType: ['image'],
      sourceType: [source],
      camera: 'front',
      sizeType: ['original'],
    });
    const file = result.tempFiles[0];
    return file ? { path: file.tempFilePath, size: file.size } : null;
  } catch (error) {
    if (isCancel(error)) return null;
    throw error;
  }
}
