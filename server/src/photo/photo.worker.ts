/**
 * Pool worker: one engine (and one copy of the models) per worker thread.
 */
import type { CertCode } from '../../../shared/certificates';
import { BACKGROUNDS } from '../../../shared/photo-background';
import type { PhotoReport } from '../../../shared/photo-report';
import { processPhoto } from './engine';
import { loadModels } from './models';

export interface PhotoTask {
  input: Uint8Array;
  cert: CertCode;
  /** A key of BACKGROUNDS (structured-cloned across the thread boundary as a string). */
  background?: keyof typeof BACKGROUNDS;
}

export interface PhotoTaskResult {
  report: PhotoReport;
  jpeg: Uint8Array | null;
}

// Start loading at once so the first task does not pay for it.
void loadModels().catch(() => undefined);

export default async function run(task: PhotoTask): Promise<PhotoTaskResult> {
  const input = Buffer.from(task.input.buffer, task.input.byteOffset, task.input.byteLength);
  const { report, jpeg } = await processPhoto(input, task.cert, { background: task.background ? BACKGROUNDS[task.background] : undefined });
  return { report, jpeg: jpeg ? new Uint8Array(jpeg.buffer, jpeg.byteOffset, jpeg.byteLength) : null };
}
