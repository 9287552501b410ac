/**
 * Starts the REAL server (`tsx server/src/main.ts`) as a child process on a free loopback port
 * with a fresh data directory, waits for /api/health, and kills the whole process group at the end.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { H5_DIST, ROOT } from './paths';

export interface RunningServer {
  baseUrl: string;
  /** The WeChat stand-in the server started (local mode): /__standin/messages etc. */
  standinUrl: string;
  dataDir: string;
  /** Everything the server printed so far (for failure messages). */
  output(): string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export async function startServer(extraEnv: Record<string, string> = {}): Promise<RunningServer> {
  const port = await freePort();
  const standinPort = await freePort();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'e2e-data-'));
  const baseUrl = `http://127.0.0.1:${port}`;
  let log = '';

  // The local tsx binary, not `npx`: same program, one process less and no registry look-up.
  const child: ChildProcess = spawn(path.join(ROOT, 'node_modules', '.bin', 'tsx'), ['server/src/main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      MALLOC_ARENA_MAX: '2',
      H5_DIR: H5_DIST,
      WECHAT_STANDIN_PORT: String(standinPort),
      // Where the stand-in's codes send a phone: this server's h5 app.
      PUBLIC_URL: baseUrl,
      // Request lines would drown the warnings and errors quoted when a step fails.
      LOG_LEVEL: 'warn',
      ...extraEnv,
    },
    // Own process group: tsx runs node as a grandchild, and stop() must end both.
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (b: Buffer) => (log += b.toString()));
  child.stderr?.on('data', (b: Buffer) => (log += b.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let exitCode: number | null | undefined;
  void exited.then((code) => (exitCode = code));

  const stop = async (): Promise<void> => {
    if (exitCode === undefined && child.pid) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        /* already gone */
      }
      const timer = setTimeout(() => {
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          /* already gone */
        }
      }, 5_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dataDir, { recursive: true, force: true });
  };

  const deadline = Date.now() + 90_000;
  for (;;) {
    if (exitCode !== undefined) {
      await stop();
      throw new Error(`server exited with code ${exitCode} before it was healthy:\n${log}`);
    }
    try {
      const res = await fetch(`${baseUrl}/api/health`);
      if (res.ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`server did not answer GET /api/health within 90 s:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }

  return { baseUrl, standinUrl: `http://127.0.0.1:${standinPort}`, dataDir, output: () => log, stop };
}
