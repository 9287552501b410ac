import Taro from '@tarojs/taro';

import { ApiError } from '../services/api-error';
import type { ChosenPhoto } from './choose-photo';

export interface UploadProgress {
  /** 0–100. */
  percent: number;
  sent: number;
  total: number;
}

export interface UploadRequest {
  url: string;
  /** The API's method; weapp's uploadFile can only POST (see README: the server accepts both). */
  method: 'PUT' | 'POST';
  header: Record<string, string>;
  name: string;
  photo: ChosenPhoto;
  onProgress?: (progress: UploadProgress) => void;
}

export interface UploadResponse {
  statusCode: number;
  body: unknown;
}

/** weapp: Taro.uploadFile (multipart, always POST) with onProgressUpdate. */
export function uploadFile(request: UploadRequest): Promise<UploadResponse> {
  return new Promise((resolve, reject) => {
    const task = Taro.uploadFile({
      url: request.url,
      filePath: request.photo.path,
      name: request.name,
      header: request.header,
      timeout: 120_000,
      success: (res) => resolve({ statusCode: res.statusCode, body: res.data }),
      fail: (err) =>
        reject(ApiError.client(/timeout/i.test(String((err as { errMsg?: string })?.errMsg)) ? 'TIMEOUT' : 'NETWORK')),
    });
    task?.onProgressUpdate?.((res) =>
      request.onProgress?.({
        percent: res.progress,
        sent: res.totalBytesSent,
        total: res.totalBytesExpectedToSend,
      }),
    );
  });
}
