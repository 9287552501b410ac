import Taro from '@tarojs/taro';

import { SUBSCRIBE_ANSWERS, type SubscribeAnswer } from '@shared/scene';

/** template id → what the person answered (only WeChat's own answer values). */
export type SubscribeAnswers = Record<string, SubscribeAnswer>;

const ANSWERS: readonly string[] = SUBSCRIBE_ANSWERS;

/**
 * weapp: asks for one-time subscriptions (at most three templates). WeChat only shows the dialog
 * when this runs synchronously inside a tap handler, so it is called before the returned promise
 * exists — callers must call it first thing in the handler, before any `await`.
 * Never rejects: a refusal of the whole request (subscriptions switched off, an old base library,
 * no templates configured on WeChat's side) resolves `{}` and the submit goes on without them.
 */
export function requestSubscribe(templateIds: readonly string[]): Promise<SubscribeAnswers> {
  const tmplIds = templateIds.slice(0, 3);
  if (tmplIds.length === 0 || typeof Taro.requestSubscribeMessage !== 'function') return Promise.resolve({});
  return new Promise((resolve) => {
    try {
      const pending = Taro.requestSubscribeMessage({
        tmplIds,
        success: (result) => {
          const answers: SubscribeAnswers = {};
          for (const id of tmplIds) {
            const answer = (result as unknown as Record<string, unknown>)[id];
            if (typeof answer === 'string' && ANSWERS.includes(answer)) answers[id] = answer as SubscribeAnswer;
          }
          resolve(answers);
        },
        fail: (error) => {
          console.warn('[request-subscribe]', error);
          resolve({});
        },
      } as Taro.requestSubscribeMessage.Option);
      // Taro also settles a promise; its rejection is the `fail` above, already handled.
      void pending?.catch?.(() => resolve({}));
    } catch (error) {
      console.warn('[request-subscribe]', error);
      resolve({});
    }
  });
}
