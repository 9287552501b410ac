import { ApiError } from '../services/api-error';
import type { UploadRequest, UploadResponse } from './upload-file';

export type { UploadProgress, UploadRequest, UploadResponse } from './upload-file';

/** h5: XMLHttpRequest, so the upload's own progress events drive the bar. */
export async function uploadFile(request: UploadRequest): Promise<UploadResponse> {
  const blob: Blob = request.photo.file ?? ((await fetch(request.photo.path).then((r) => r.blob())) as Blob);
  const form = new FormData();
  const filename = (blob as File).name || 'photo.jpg';
  form.append(request.name, blob, filename);
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(request.method, request.url);
    for (const [key, value] of Object.entries(request.header)) xhr.setRequestHeader(key, value);
    xhr.timeout = 120_000;
    xhr.upload.onprogress = (event) => {
      if (!event.lengthComputable) return;
      request.onProgress?.({
        percent: Math.round((event.loaded / event.total) * 100),
        sent: event.loaded,
        total: event.total,
      });
    };
    xhr.onload = () => resolve({ statusCode: xhr.status, body: xhr.responseText });
    xhr.onerror = () => reject(ApiError.client('NETWORK'));
    xhr.ontimeout = () => reject(ApiError.client('TIMEOUT'));
    xhr.send(form);
  });
}
