/**
 * The REAL server as a child process: started on a free loopback port, waited for until
 * /api/health answers, and ended with its whole process group.
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

/**
 * One run of the real server (`node --import tsx server/src/main.ts`, so `pid` is the server
 * itself) in its own process group: `kill` is a SIGKILL with no shutdown code, `stop` the
 * SIGTERM stop main.ts handles. Shared by the browser tests, the crash test and the load bench.
 */
export class ServerProcess {
  private log = '';
  private exitCode: number | null | undefined;
  private readonly exited: Promise<void>;

  private constructor(
    private readonly child: ChildProcess,
    readonly baseUrl: string,
  ) {
    child.stdout?.on('data', (b: Buffer) => (this.log += b.toString()));
    child.stderr?.on('data', (b: Buffer) => (this.log += b.toString()));
    this.exited = new Promise((resolve) =>
      child.once('exit', (code) => {
        this.exitCode = code;
        resolve();
      }),
    );
  }

  /** Spawns with `env` on top of this process's environment (PORT must be among it) and waits
   * until GET /api/health answers. */
  static async start(env: Record<string, string>, timeoutMs = 90_000): Promise<ServerProcess> {
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const server = new ServerProcess(child, `http://127.0.0.1:${env.PORT}`);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (server.exitCode !== undefined) throw new Error(`server exited (${server.exitCode}) before it was healthy:\n${server.log}`);
      const ok = await fetch(`${server.baseUrl}/api/health`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) return server;
      if (Date.now() > deadline) {
        await server.kill();
        throw new Error(`server did not answer GET /api/health within ${timeoutMs / 1000} s:\n${server.log}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** Everything the server printed so far (for failure messages). */
  output(): string {
    return this.log;
  }

  /** SIGKILL to the whole group: no signal handler, no shutdown hook, no flush runs. */
  async kill(): Promise<void> {
    if (this.exitCode !== undefined || !this.child.pid) return;
    try {
      process.kill(-this.child.pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
    await this.exited;
  }

  /** SIGTERM (the clean stop), SIGKILL if it has not ended within `graceMs`; the exit code. */
  async stop(graceMs = 10_000): Promise<number | null | undefined> {
    if (this.exitCode !== undefined || !this.child.pid) return this.exitCode;
    process.kill(-this.child.pid, 'SIGTERM');
    const timer = setTimeout(() => void this.kill(), graceMs);
    await this.exited;
    clearTimeout(timer);
    return this.exitCode;
  }
}

/** The server on a free loopback port with a fresh data directory (removed by `stop`), serving
 * the h5 build, with its WeChat stand-in on another free port. */
export async function startServer(extraEnv: Record<string, string> = {}): Promise<RunningServer> {
  const port = await freePort();
  const standinPort = await freePort();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'e2e-data-'));
  const baseUrl = `http://127.0.0.1:${port}`;
  let server: ServerProcess;
  try {
    server = await ServerProcess.start({
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
    });
  } catch (err) {
    rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
  return {
    baseUrl,
    standinUrl: `http://127.0.0.1:${standinPort}`,
    dataDir,
    output: () => server.output(),
    stop: async () => {
      await server.stop(5_000);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
