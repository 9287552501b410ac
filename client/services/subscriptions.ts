import type { ClientConfigView, SubmitBody } from '@shared/api';
import { TEMPLATE_KINDS } from '@shared/scene';

import { requestSubscribe } from '../platform/request-subscribe';

export type Subscriptions = NonNullable<NonNullable<SubmitBody>['subscriptions']>;

/**
 * Asks for the configured subscriptions (the review result, the expiry reminder) and maps WeChat's
 * answers, keyed by template id, back to the template kinds for SubmitBody.subscriptions.
 *
 * The platform call happens synchronously, inside this call: invoke it first thing in the tap
 * handler, then await the promise. Resolves undefined when there is nothing to send.
 */
export function askForSubscriptions(templates: ClientConfigView['subscribeTemplates'] | null): Promise<Subscriptions | undefined> {
  const wanted = TEMPLATE_KINDS.flatMap((kind) => {
    const id = templates?.[kind];
    return typeof id === 'string' && id !== '' ? [{ kind, id }] : [];
  }).slice(0, 3);
  if (wanted.length === 0) return Promise.resolve(undefined);
  const ids = [...new Set(wanted.map((w) => w.id))];
  return requestSubscribe(ids).then((answers) => {
    const subscriptions: Subscriptions = {};
    for (const { kind, id } of wanted) {
      const answer = answers[id];
      if (answer) subscriptions[kind] = answer;
    }
    return Object.keys(subscriptions).length > 0 ? subscriptions : undefined;
  });
}
