import type { ApiErrorCode } from '../../../shared/api';

/** A failure the person can act on; the error handler turns the code into status + Chinese message. */
export class AppError extends Error {
  constructor(
    readonly code: ApiErrorCode,
    readonly fields?: Record<string, string>,
  ) {
    super(code);
    this.name = 'AppError';
  }
}
