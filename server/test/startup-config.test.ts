/**
 * A bad database setting stops `npm run serve` and `npm run worker` at start with one line naming
 * DATABASE_URL and what is wrong, exit code 1, before anything listens or claims a job.
 * Wrong credentials need a real server: that case runs in scripts/test.sh's PostgreSQL pass.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { freePort } from '../../e2e/support/server';
import { tempDataDir, TEST_ENGINE } from './support/api-harness';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

async function start(script: 'main.ts' | 'worker.ts', databaseUrl: string): Promise<{ code: number; stderr: string; stdout: string }> {
  const data = tempDataDir();
  const port = await freePort();
  try {
    await promisify(execFile)(process.execPath, ['--import', 'tsx', path.join('server/src', script)], {
      cwd: ROOT,
      timeout: 60_000,
      env: { ...process.env, DATABASE_URL: databaseUrl, DATA_DIR: data.dir, PORT: String(port), WECHAT_STANDIN_PORT: String(await freePort()), LOG_LEVEL: 'warn' },
    });
    return { code: 0, stderr: '', stdout: '' };
  } catch (err) {
    const e = err as { code: number; stderr: string; stdout: string };
    return { code: e.code, stderr: e.stderr, stdout: e.stdout };
  } finally {
    data.remove();
  }
}

function fatalLine(stderr: string): string {
  const line = stderr.trim().split('\n').pop()!;
  return (JSON.parse(line) as { level: string; msg: string }).msg;
}

describe('bad database settings at start', () => {
  it('a malformed DATABASE_URL: the API says which setting and exits 1', async () => {
    const res = await start('main.ts', 'postgres//nohost');
    expect(res.code).toBe(1);
    expect(fatalLine(res.stderr)).toBe('could not start: DATABASE_URL is not a URL: expected postgres://user:password@host:5432/database');
  });

  it('a DATABASE_URL that is not PostgreSQL: the worker says so and exits 1', async () => {
    const res = await start('worker.ts', 'mysql://u:p@127.0.0.1/db');
    expect(res.code).toBe(1);
    expect(fatalLine(res.stderr)).toMatch(/^could not start: DATABASE_URL must start with postgres:\/\//);
  });

  it('an unreachable database: names the setting and the address, exits 1 without listening', async () => {
    const closed = await freePort();
    const res = await start('main.ts', `postgres://u:p@127.0.0.1:${closed}/zphz`);
    expect(res.code).toBe(1);
    expect(fatalLine(res.stderr)).toBe(`could not start: DATABASE_URL: cannot reach PostgreSQL at 127.0.0.1:${closed} (ECONNREFUSED); is the server running and the host right?`);
    expect(res.stdout).not.toMatch(/server on http/);
  });

  it.skipIf(TEST_ENGINE !== 'postgres')('wrong credentials or a missing database on a real server: says which, exits 1', async () => {
    const url = new URL(process.env.TEST_DATABASE_URL!);
    url.password = 'not-the-password';
    const wrong = await start('main.ts', url.toString());
    expect(wrong.code).toBe(1);
    expect(fatalLine(wrong.stderr)).toBe(`could not start: DATABASE_URL: PostgreSQL at ${url.hostname}:${url.port} refused user "${decodeURIComponent(url.username)}" (wrong user name or password)`);

    const missing = new URL(process.env.TEST_DATABASE_URL!);
    missing.pathname = '/no_such_database';
    const res = await start('worker.ts', missing.toString());
    expect(res.code).toBe(1);
    expect(fatalLine(res.stderr)).toBe(`could not start: DATABASE_URL: PostgreSQL at ${url.hostname}:${url.port} has no database "no_such_database" (create it: createdb no_such_database)`);
  });
});
