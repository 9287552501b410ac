import type { SubscribeAnswers } from './request-subscribe';

export type { SubscribeAnswers } from './request-subscribe';

/** h5 has no service messages: results arrive as in-app notifications (消息) instead. */
export function requestSubscribe(_templateIds: readonly string[]): Promise<SubscribeAnswers> {
  return Promise.resolve({});
}
