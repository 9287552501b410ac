/**
 * The one error handler: every failure leaves as `{code, message}` JSON with a Chinese message
 * from API_ERRORS (plus `fields` for form validation). 5xx details are logged, never sent.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { API_ERRORS, type ApiErrorBody, type ApiErrorCode } from '../../../shared/api';
import { TransitionError } from '../../../shared/order-machine';
import { AppError } from '../services/errors';

export const HTTP_STATUS: Record<ApiErrorCode, number> = {
  BAD_REQUEST: 400,
  VALIDATION_FAILED: 400,
  UNAUTHORIZED: 401,
  NOT_FOUND: 404,
  ROUTE_NOT_FOUND: 404,
  LOCAL_LOGIN_DISABLED: 403,
  CITY_NOT_SUPPORTED: 422,
  WRONG_STATUS: 409,
  PHOTO_MISSING: 400,
  PHOTO_TOO_LARGE: 413,
  PHOTO_UNREADABLE: 422,
  PHOTO_UNSUPPORTED_FORMAT: 415,
  PHOTO_DIMENSIONS_TOO_LARGE: 422,
  APPLICANT_MISSING: 409,
  PHOTO_NOT_FOUND: 404,
  PHOTO_PURGED: 410,
  TOO_MANY_REQUESTS: 429,
  INTERNAL: 500,
  FORBIDDEN: 403,
  BAD_CREDENTIALS: 401,
  ALREADY_CLAIMED: 409,
  NOT_CLAIMED: 409,
  INVALID_IMAGE_NUMBER: 400,
  RECEIPT_NOT_FOUND: 404,
  RECEIPT_USED: 409,
  RECEIPT_EXPIRED: 410,
  WECHAT_CODE_INVALID: 401,
  WECHAT_LOGIN_BLOCKED: 403,
  WECHAT_UNAVAILABLE: 503,
  INVALID_SCENE: 400,
  HANDOFF_NOT_FOUND: 404,
  HANDOFF_EXPIRED: 410,
  HANDOFF_NOT_OWNER: 403,
  NOTIFICATION_NOT_FOUND: 404,
  APPLICANT_ONLY: 403,
  BODY_TOO_LARGE: 413,
  ORIGIN_NOT_ALLOWED: 403,
  PRINT_SHEET_NOT_AVAILABLE: 409,
};

/** zod's own messages (e.g. a number where a string belongs) are English: replace those. */
const HAS_CHINESE = /[\u4e00-\u9fa5]/;
const GENERIC_FIELD_MESSAGE = '格式不正确,请检查';

function errorBody(code: ApiErrorCode, fields?: Record<string, string>): ApiErrorBody {
  return fields ? { code, message: API_ERRORS[code], fields } : { code, message: API_ERRORS[code] };
}

/** Answers `code` as the error body, with its status from HTTP_STATUS unless told otherwise. */
export function sendError(reply: FastifyReply, code: ApiErrorCode, fields?: Record<string, string>, status = HTTP_STATUS[code]) {
  return reply.code(status).type('application/json; charset=utf-8').send(errorBody(code, fields));
}

/**
 * A refused body still arriving is read on and thrown away (never buffered) up to this much and
 * this long, so the client gets to read the answer: closing at once resets the connection under a
 * client that is still sending, and a phone shows a network error (EPIPE) instead of 「照片太大」.
 * A body that declares more, or runs past the bounds, is cut off.
 */
const DRAIN_MAX_BYTES = 64 * 1024 * 1024;
const DRAIN_MAX_MS = 60_000;

function drainRefusedBody(request: FastifyRequest, reply: FastifyReply): void {
  const raw = request.raw;
  if (Number(raw.headers['content-length']) > DRAIN_MAX_BYTES) {
    reply.header('connection', 'close');
    return;
  }
  const socket = raw.socket;
  let drained = 0;
  const cutOff = setTimeout(() => socket.destroy(), DRAIN_MAX_MS).unref();
  raw.on('data', (chunk: Buffer) => {
    drained += chunk.length;
    if (drained > DRAIN_MAX_BYTES) socket.destroy();
  });
  raw.once('close', () => clearTimeout(cutOff));
  // Once the client has sent it all (and so could read the answer), the connection goes: a client
  // that sent too much once is not kept on a warm socket.
  raw.once('end', () => socket.end());
  // Whatever was consuming the body (the multipart parser) is done with it.
  raw.unpipe();
  raw.resume();
}

export function errorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  // Refused while the body is still arriving (a too-large upload): answered now, the rest drained.
  if (request.raw.complete === false) drainRefusedBody(request, reply);
  if (error instanceof AppError) return sendError(reply, error.code, error.fields);
  // The state machine refused the event in the order's current status.
  if (error instanceof TransitionError) return sendError(reply, 'WRONG_STATUS');

  if (hasZodFastifySchemaValidationErrors(error)) {
    const fields: Record<string, string> = {};
    for (const item of error.validation) {
      const issue = item.params.issue;
      const field = issue.path.join('.') || error.validationContext || 'body';
      fields[field] ??= HAS_CHINESE.test(issue.message) ? issue.message : GENERIC_FIELD_MESSAGE;
    }
    return sendError(reply, 'VALIDATION_FAILED', fields);
  }

  switch (error.code) {
    case 'FST_REQ_FILE_TOO_LARGE':
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return sendError(reply, request.url.includes('/photo') ? 'PHOTO_TOO_LARGE' : 'BODY_TOO_LARGE');
    case 'FST_INVALID_MULTIPART_CONTENT_TYPE':
    case 'FST_FILES_LIMIT':
      return sendError(reply, 'PHOTO_MISSING');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      // A photo sent as a bare image body instead of the multipart field `photo`.
      if (request.url.includes('/photo')) return sendError(reply, 'PHOTO_MISSING');
  }

  const status = error.statusCode ?? 500;
  if (status === 429) return sendError(reply, 'TOO_MANY_REQUESTS');
  if (status >= 400 && status < 500) return sendError(reply, 'BAD_REQUEST', undefined, status);

  request.log.error({ err: error }, 'request failed');
  return sendError(reply, 'INTERNAL');
}

export function notFoundHandler(_request: FastifyRequest, reply: FastifyReply) {
  return sendError(reply, 'ROUTE_NOT_FOUND');
}
