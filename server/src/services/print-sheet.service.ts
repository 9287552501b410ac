/**
 * Print sheets of an approved order's photo (GET /api/orders/:id/print-sheet) and of any spec
 * photo (the CLI's --print): the layout from photo/print-sheet.ts, the pixels from the media
 * repository, the sheet's density written into its JFIF header.
 */
import { getCertificate, type PhotoSpec } from '../../../shared/certificates';
import { setJfifDensity } from '../photo/jpeg-header';
import { layoutPrintSheet, PRINT_SHEETS, type PrintSheetCode, type PrintSheetLayout } from '../photo/print-sheet';
import { renderPrintSheet } from '../repositories/media.repository';
import type { OrderRepository } from '../repositories/order.repository';
import type { PhotoStoreRepository } from '../repositories/photo-store.repository';
import { AppError } from './errors';
import type { FileAccess, OrderService } from './order.service';

export interface PrintSheet {
  jpeg: Buffer;
  layout: PrintSheetLayout;
}

/** The sheet for a spec photo (a JPEG the engine made for `spec`). */
export async function makePrintSheet(photo: Buffer, spec: Pick<PhotoSpec, 'width' | 'height' | 'dpi'>, size: PrintSheetCode): Promise<PrintSheet> {
  const layout = layoutPrintSheet(PRINT_SHEETS[size], spec);
  const jpeg = setJfifDensity(await renderPrintSheet(photo, layout), layout.sheet.dpi);
  return { jpeg, layout };
}

export class PrintSheetService {
  constructor(
    private readonly deps: {
      orders: OrderRepository;
      photos: PhotoStoreRepository;
      orderViews: Pick<OrderService, 'checkFileAccess'>;
    },
  ) {}

  /**
   * The owner's sheet of an approved order's photo. Only the owner's bearer token opens it (no
   * signed URL: it is a download, not an <img>); before approval, or once the receipt is used or
   * expired, 409 PRINT_SHEET_NOT_AVAILABLE says why; past retention 410 PHOTO_PURGED.
   */
  async sheet(orderId: string, access: Pick<FileAccess, 'userId' | 'notApplicant'>, size: PrintSheetCode): Promise<PrintSheet> {
    const found = await this.deps.orders.findById(orderId);
    const order = this.deps.orderViews.checkFileAccess(found, null, access);
    if (order.photoPurgedAt) throw new AppError('PHOTO_PURGED');
    if (order.status !== 'approved') throw new AppError('PRINT_SHEET_NOT_AVAILABLE');
    const photo = order.photoKey ? await this.deps.photos.get(order.id, order.photoKey, 'photo') : null;
    if (!photo) throw new AppError('PHOTO_NOT_FOUND');
    return makePrintSheet(photo, getCertificate(order.certType).spec, size);
  }
}
