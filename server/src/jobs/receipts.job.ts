import { DRAW_RECEIPT_JOB, EXPIRE_RECEIPTS_JOB, type DrawReceiptPayload, type ReceiptService } from '../services/receipt.service';
import type { JobRegistry } from './job-registry';

/** `expire-receipts`: approved orders past their receipt's expiry become `expired` (no payload). */
export function registerExpireReceipts(registry: JobRegistry, receipts: ReceiptService): void {
  registry.register<unknown>(EXPIRE_RECEIPTS_JOB, {
    run: async () => {
      await receipts.expireDue();
    },
  });
}

/** `draw-receipt`: the receipt image of a newly approved order, drawn and kept before anyone asks. */
export function registerDrawReceipt(registry: JobRegistry, receipts: ReceiptService): void {
  registry.register<DrawReceiptPayload>(DRAW_RECEIPT_JOB, { run: (payload) => receipts.draw(payload) });
}
