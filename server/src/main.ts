/**
 * Starts the server: config from the environment, the WeChat stand-in when no app id is
 * configured (local mode), listen, and a clean stop on SIGINT/SIGTERM.
 */
import { buildApp } from './app';
import { authModeOf, loadConfig } from './config';
import { startStandin, type WeChatStandin } from './wechat/standin';

/** A setting that stops the start (a bad S3_*, PORT…): one JSON log line naming it, exit 1, nothing
 * listening — not a stack trace, not a half-started server. */
function refuseToStart(err: unknown): never {
  const message = err instanceof Error ? err.message : String(err);
  console.error(JSON.stringify({ level: 60, time: Date.now(), msg: `could not start: ${message}` }));
  process.exit(1);
}

let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig();
} catch (err) {
  refuseToStart(err);
}
let standin: WeChatStandin | null = null;
if (config.wechat.mode === 'standin') {
  const { appid, secret, publicUrl, standinPort } = config.wechat;
  standin = await startStandin({ port: standinPort, appid, secret, publicUrl });
}
const app = await buildApp({ config, logger: { level: process.env.LOG_LEVEL || 'info' } }).catch(async (err: unknown) => {
  await standin?.close().catch(() => undefined);
  return refuseToStart(err);
});

async function close(): Promise<void> {
  await app.close();
  await standin?.close();
}

let closing = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    close().then(
      () => process.exit(0),
      (err: unknown) => {
        app.log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  });
}

try {
  await app.listen({ port: config.port, host: config.host });
  app.log.info({ dataDir: config.dataDir, authMode: authModeOf(config), storage: config.storage.kind }, `照片回执 server on http://${config.host}:${config.port}/`);
  if (standin) app.log.info(`WeChat stand-in on ${standin.url}/__standin (sent messages); its codes open ${config.wechat.publicUrl}`);
  else app.log.info({ apiBase: config.wechat.apiBase }, 'WeChat API');
} catch (err) {
  app.log.error({ err }, 'could not start');
  await close().catch(() => undefined);
  process.exit(1);
}
