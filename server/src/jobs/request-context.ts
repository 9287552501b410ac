/**
 * The id of the HTTP request being served, for code far from the route (a job queued inside a
 * repository transaction records it). app.ts enters it for every request; the job runner enters
 * a job's own id while it runs, so a job queued by a job keeps the original request's id.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

const storage = new AsyncLocalStorage<{ requestId: string }>();

export function runWithRequestId<T>(requestId: string | null, fn: () => T): T {
  return requestId ? storage.run({ requestId }, fn) : fn();
}

export function currentRequestId(): string | null {
  return storage.getStore()?.requestId ?? null;
}
