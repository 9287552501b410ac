import type { ChosenPhoto } from './choose-photo';

const SHRUNK_LONG_SIDE = 3000;

/**
 * h5: a photo over the upload limit is drawn onto a canvas at most 3000 px on its long side and
 * re-encoded as JPEG in the browser (the engine needs far fewer pixels than a huge original has).
 * Resolves with the smaller copy, or the photo as it was when the browser cannot decode it.
 */
export async function shrinkPhoto(photo: ChosenPhoto): Promise<ChosenPhoto> {
  try {
    const source: Blob = photo.file ?? (await fetch(photo.path).then((r) => r.blob()));
    const bitmap = await createImageBitmap(source, { imageOrientation: 'from-image' });
    const scale = Math.min(1, SHRUNK_LONG_SIDE / Math.max(bitmap.width, bitmap.height));
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(bitmap.width * scale);
    canvas.height = Math.round(bitmap.height * scale);
    canvas.getContext('2d')!.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    bitmap.close();
    const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/jpeg', 0.9));
    if (!blob) return photo;
    const file = new File([blob], 'photo.jpg', { type: 'image/jpeg' });
    return { path: URL.createObjectURL(file), size: file.size, file };
  } catch {
    return photo;
  }
}
