import { EXPIRE_RECEIPTS_JOB, type ReceiptService } from '../services/receipt.service';
import type { JobRegistry } from './job-registry';

/** `expire-receipts`: approved orders past their receipt's expiry become `expired` (no payload). */
export function registerExpireReceipts(registry: JobRegistry, receipts: ReceiptService): void {
  registry.register<unknown>(EXPIRE_RECEIPTS_JOB, {
    run: async () => {
      await receipts.expireDue();
    },
  });
}
