/** The admin CLI on a fresh data directory: the printed password logs in; an API key looks up. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app';
import { loadConfig } from '../src/config';
import { fakeProcessor, fakeReport, tempDataDir } from './support/api-harness';

const run = promisify(execFile);
const data = tempDataDir();
afterAll(() => data.remove());

async function admin(...args: string[]): Promise<string[]> {
  const { stdout } = await run('npx', ['tsx', 'server/src/admin.ts', ...args], { env: { ...process.env, DATA_DIR: data.dir }, cwd: process.cwd() });
  return stdout.trimEnd().split('\n');
}

describe('npm run admin', () => {
  it('add-user prints a password on its last line that logs in; add-key prints a usable key', async () => {
    const lines = await admin('add-user', '--role', 'counter', '--name', '窗口一');
    const password = lines.at(-1)!;
    expect(password).toMatch(/^[A-Za-z0-9]{16}$/);
    const key = (await admin('add-key', '--name', '办证平台')).at(-1)!;
    expect(key).toMatch(/^zk_[A-Za-z0-9_-]{43}$/);

    // The server on the same data directory (and the same generated secret key).
    const config = { ...loadConfig({ DATA_DIR: data.dir }), poolSize: 1, jobPollMs: 50 };
    const app = await buildApp({ config, processor: fakeProcessor(async (_i, cert) => ({ report: fakeReport(cert, true), jpeg: null })) });
    await app.ready();
    try {
      const res = await app.inject({ method: 'POST', url: '/api/auth/staff-login', payload: { username: '窗口一', password } });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({ role: 'counter', name: '窗口一' });
      const lookup = await app.inject({ method: 'GET', url: '/api/receipts/A4403250101ABCDEFGHIJ0', headers: { authorization: `Bearer ${key}` } });
      // Authenticated (not 401/403): the number is just malformed or unknown.
      expect([400, 404]).toContain(lookup.statusCode);
    } finally {
      await app.close();
    }
  }, 60_000);
});
