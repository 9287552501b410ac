/** The applicant's orders. Thin: validate with the shared schemas, call one service method. */
import type { MultipartFile } from '@fastify/multipart';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ApplicantBody, CreateOrderBody, OrderIdParams, PrintSheetQuery, SubmitBody } from '../../../shared/api';
import { ORDER_STATUSES, type OrderStatus } from '../../../shared/order-machine';
import type { Caller } from '../services/auth.service';
import { AppError } from '../services/errors';
import { PHOTO_MAX_BYTES } from '../config';
import { requireApplicantSession, type RouteServices } from './services';

const ListOrdersQuery = z.object({
  status: z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (!value) return undefined;
      const list = value.split(',').map((s) => s.trim()).filter(Boolean);
      if (list.some((s) => !(ORDER_STATUSES as readonly string[]).includes(s))) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: '订单状态不正确' });
        return z.NEVER;
      }
      return list as OrderStatus[];
    }),
});

/**
 * The part's bytes. Refused the moment they pass PHOTO_MAX_BYTES (the multipart fileSize limit):
 * the rest of a 100 MB body is neither buffered nor waited for. A body cut off mid-way (the
 * connection dropped) ends here too, and nothing is stored.
 */
function readPhoto(file: MultipartFile): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const stream = file.file;
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.once('limit', () => {
      chunks.length = 0;
      reject(new AppError('PHOTO_TOO_LARGE'));
    });
    stream.once('end', () => (stream.truncated ? reject(new AppError('PHOTO_TOO_LARGE')) : resolve(Buffer.concat(chunks))));
    // Malformed multipart (the body ends inside the part) or a dropped connection.
    stream.on('error', () => reject(new AppError('PHOTO_MISSING')));
    stream.once('close', () => {
      if (!stream.readableEnded) reject(new AppError('PHOTO_MISSING'));
    });
  });
}

/** Room for the multipart boundaries, part headers and a small form field or two (wx.uploadFile's formData). */
const MULTIPART_OVERHEAD_BYTES = 1024 * 1024;

const PhotoQuery = z.object({
  exp: z.coerce.number({ invalid_type_error: '链接已失效' }).int('链接已失效').positive('链接已失效').optional(),
  sig: z.string().max(128, '链接已失效').optional(),
});

/** Routes that need `Authorization: Bearer <token>`. */
export const orderRoutes: FastifyPluginAsyncZod<{ services: RouteServices }> = async (app, { services }) => {
  requireApplicantSession(app, services.auth);

  app.post('/api/orders', { schema: { body: CreateOrderBody } }, async (request, reply) => {
    const { certType, cityCode, eligibility } = request.body;
    const view = await services.orders.create(request.userId, certType, cityCode, eligibility);
    return reply.code(201).send(view);
  });

  app.get('/api/orders', { schema: { querystring: ListOrdersQuery } }, async (request) =>
    services.orders.list(request.userId, request.query.status),
  );

  app.get('/api/orders/:id', { schema: { params: OrderIdParams } }, async (request) => services.orders.get(request.userId, request.params.id));

  // PUT is the API; wx.uploadFile can only POST, so the mini-program uses the same route by POST.
  app.route({
    method: ['PUT', 'POST'],
    url: '/api/orders/:id/photo',
    schema: { params: OrderIdParams },
    handler: async (request, reply) => {
      // A body that says it is too large is refused before a byte of it is read; the connection
      // is closed after the answer so the rest is never received (an error answered while the
      // body may still be arriving closes the connection too: see the error handler).
      const declared = Number(request.headers['content-length']);
      if (declared > PHOTO_MAX_BYTES + MULTIPART_OVERHEAD_BYTES) throw new AppError('PHOTO_TOO_LARGE');
      // Only the part's bytes are used: its filename and content type are the client's word.
      const file = await request.file();
      if (!file || file.fieldname !== 'photo') {
        file?.file.resume();
        throw new AppError('PHOTO_MISSING');
      }
      const bytes = await readPhoto(file);
      const view = await services.orders.uploadPhoto(request.userId, request.params.id, bytes);
      return reply.code(202).send(view);
    },
  });

  app.put('/api/orders/:id/applicant', { schema: { params: OrderIdParams, body: ApplicantBody } }, async (request) =>
    services.orders.setApplicant(request.userId, request.params.id, request.body),
  );

  app.post('/api/orders/:id/submit', { schema: { params: OrderIdParams, body: SubmitBody } }, async (request) =>
    services.orders.submit(request.userId, request.params.id, request.body),
  );
};

/** The bearer behind a file request: an applicant's id, or staff / an API key (who need a signed URL). */
function fileAccess(caller: Caller | null): { userId: string | null; notApplicant: boolean } {
  if (!caller) return { userId: null, notApplicant: false };
  if (caller.kind === 'session' && caller.user.role === 'applicant') return { userId: caller.user.userId, notApplicant: false };
  return { userId: null, notApplicant: true };
}

/**
 * The processed photo. An <img> cannot send a header, so a signed URL (from OrderView.photoUrl)
 * works as well as the owner's bearer token.
 */
export const photoFileRoutes: FastifyPluginAsyncZod<{ services: RouteServices }> = async (app, { services }) => {
  app.get('/api/orders/:id/photo.jpg', { schema: { params: OrderIdParams, querystring: PhotoQuery } }, async (request, reply) => {
    const access = fileAccess(await services.auth.identify(request.headers.authorization));
    const jpeg = await services.orders.photoFile(request.params.id, { ...access, ...request.query });
    return reply
      .header('Content-Type', 'image/jpeg')
      .header('Cache-Control', 'private, no-store')
      .header('X-Content-Type-Options', 'nosniff')
      .send(jpeg);
  });

  app.get('/api/orders/:id/receipt.png', { schema: { params: OrderIdParams, querystring: PhotoQuery } }, async (request, reply) => {
    const access = fileAccess(await services.auth.identify(request.headers.authorization));
    const png = await services.receipts.receiptPng(request.params.id, { ...access, ...request.query });
    return reply
      .header('Content-Type', 'image/png')
      .header('Cache-Control', 'private, no-store')
      .header('X-Content-Type-Options', 'nosniff')
      .send(png);
  });

  // The photo laid out on photo paper for printing: the owner's bearer token only.
  app.get('/api/orders/:id/print-sheet', { schema: { params: OrderIdParams, querystring: PrintSheetQuery } }, async (request, reply) => {
    const access = fileAccess(await services.auth.identify(request.headers.authorization));
    const { jpeg } = await services.printSheets.sheet(request.params.id, access, request.query.size);
    return reply
      .header('Content-Type', 'image/jpeg')
      .header('Content-Disposition', `inline; filename="print-sheet-${request.query.size}.jpg"`)
      .header('Cache-Control', 'private, no-store')
      .header('X-Content-Type-Options', 'nosniff')
      .send(jpeg);
  });
};
