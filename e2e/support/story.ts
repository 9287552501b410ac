/**
 * A browser test told as a story of steps: a failing step leaves a screenshot, the page's errors
 * and the server's last lines; the steps after it say which one broke instead of failing with a
 * confusing message of their own.
 */
import type { Page } from 'playwright-core';
import { it } from 'vitest';

import type { Session, Shots } from './browser';
import type { RunningServer } from './server';

export class Story {
  /** The first failed step. */
  private broken: string | null = null;

  constructor(private readonly server: () => RunningServer | undefined) {}

  /** Throws when an earlier step failed (for plain `it` blocks that belong to the story). */
  assertUnbroken(): void {
    if (this.broken) throw new Error(`not run: the earlier step "${this.broken}" failed`);
  }

  /** One step in `who`'s browser: a clear failure or a pass. */
  step(who: () => Session | null, name: string, shots: () => Shots, fn: (page: Page) => Promise<void>, timeout?: number): void {
    it(
      name,
      async () => {
        this.assertUnbroken();
        const actor = who();
        if (!actor) throw new Error('no browser session');
        const errorsBefore = actor.errors.length;
        try {
          await fn(actor.page);
          // Console errors do not fail a step a person got through, but they are worth a look.
          const fresh = actor.errors.slice(errorsBefore).filter((e) => !e.includes('status of 404'));
          if (fresh.length) console.warn(`[${name}] page errors:\n  ${fresh.join('\n  ')}`);
        } catch (err) {
          this.broken = name;
          const file = await shots()
            .take(actor.page, `FAILED-${name.replace(/[^a-z0-9]+/gi, '-')}`)
            .catch(() => 'none');
          const tail = this.server()?.output().split('\n').slice(-30).join('\n') ?? '';
          (err as Error).message +=
            `\n  screenshot: ${file}` +
            `\n  page errors: ${actor.errors.join(' | ') || 'none'}` +
            `\n  server output (last lines):\n${tail}`;
          throw err;
        }
      },
      timeout,
    );
  }
}
