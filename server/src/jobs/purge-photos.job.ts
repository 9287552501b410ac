import { PURGE_PHOTOS_JOB, type RetentionService } from '../services/retention.service';
import type { JobRegistry } from './job-registry';

/** `purge-photos`: deletes photo files past retention (no payload; idempotent). */
export function registerPurgePhotos(registry: JobRegistry, retention: RetentionService): void {
  registry.register<unknown>(PURGE_PHOTOS_JOB, {
    run: async () => {
      await retention.purgeDue();
    },
  });
}
