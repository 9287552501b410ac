/** The worker pool keeps the calling thread responsive while it processes photos on every core. */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { afterAll, expect, it } from 'vitest';
import { PhotoPool } from '../src/photo/pool';

const pool = new PhotoPool();
afterAll(() => pool.close());

it('processes photos in parallel off the main thread', async () => {
  expect(pool.size).toBe(os.availableParallelism());
  const input = readFileSync(new URL('./fixtures/photos/deepface-img3.jpg', import.meta.url));
  // Measure how late a 10 ms timer fires while the pool works: the event loop must stay free.
  let worstLag = 0;
  let last = performance.now();
  const ticker = setInterval(() => {
    const now = performance.now();
    worstLag = Math.max(worstLag, now - last - 10);
    last = now;
  }, 10);
  const results = await Promise.all(Array.from({ length: 4 }, () => pool.process(input, 'resident_id')));
  clearInterval(ticker);
  for (const { report, jpeg } of results) {
    expect(report.ok).toBe(true);
    expect(jpeg!.length).toBe(results[0]!.jpeg!.length);
  }
  expect(worstLag).toBeLessThan(150);
});
