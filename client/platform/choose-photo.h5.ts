import type { ChosenPhoto, PhotoSource } from './choose-photo';

export type { ChosenPhoto, PhotoSource } from './choose-photo';

/**
 * h5: a hidden `<input type="file" accept="image/*">`; for the camera it adds `capture="user"` so a
 * phone opens the front camera (desktop browsers fall back to a file picker).
 */
export function choosePhoto(source: PhotoSource): Promise<ChosenPhoto | null> {
  return new Promise((resolve) => {
    const input = document.createElement('input');
    input.type = 'file';
    input.accept = 'image/*';
    if (source === 'camera') input.setAttribute('capture', 'user');
    input.style.position = 'fixed';
    input.style.left = '-9999px';
    input.setAttribute('data-testid', `choose-photo-${source}`);
    let settled = false;
    const finish = (value: ChosenPhoto | null) => {
      if (settled) return;
      settled = true;
      input.remove();
      resolve(value);
    };
    input.addEventListener('change', () => {
      const file = input.files?.[0];
      finish(file ? { path: URL.createObjectURL(file), size: file.size, file } : null);
    });
    input.addEventListener('cancel', () => finish(null));
    document.body.appendChild(input);
    input.click();
  });
}
