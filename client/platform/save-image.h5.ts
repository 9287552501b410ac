import type { SaveResult } from './save-image';

export type { SaveResult } from './save-image';

/** h5: download the PNG with an `<a download>` (same-origin signed URL). */
export async function saveImage(url: string, fileName: string): Promise<SaveResult> {
  try {
    const a = document.createElement('a');
    a.href = url;
    a.download = fileName;
    a.rel = 'noopener';
    a.style.display = 'none';
    document.body.appendChild(a);
    a.click();
    a.remove();
    return 'saved';
  } catch (error) {
    console.warn('[save-image]', error);
    return 'failed';
  }
}

export const SAVE_IMAGE_LABEL = '下载回执图片';
