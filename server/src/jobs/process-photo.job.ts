import { PROCESS_PHOTO_JOB, type ProcessPhotoPayload } from '../services/order.service';
import type { PhotoProcessingService } from '../services/photo-processing.service';
import type { JobRegistry } from './job-registry';

/** `process-photo`: the engine on an uploaded photo (payload: order id + upload id). */
export function registerProcessPhoto(registry: JobRegistry, service: PhotoProcessingService): void {
  registry.register<ProcessPhotoPayload>(PROCESS_PHOTO_JOB, {
    run: (payload) => service.process(payload),
    giveUp: (payload) => service.giveUp(payload),
  });
}
