/**
 * Starts the server: config from the environment, the WeChat stand-in when no app id is
 * configured (local mode), listen, and a clean stop on SIGINT/SIGTERM.
 */
import { buildApp } from './app';
import { authModeOf, loadConfig } from './config';
import { startStandin, type WeChatStandin } from './wechat/standin';

const config = loadConfig();
let standin: WeChatStandin | null = null;
if (config.wechat.mode === 'standin') {
  const { appid, secret, publicUrl, standinPort } = config.wechat;
  standin = await startStandin({ port: standinPort, appid, secret, publicUrl });
}
const app = await buildApp({ config, logger: { level: process.env.LOG_LEVEL || 'info' } });

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
  app.log.info({ dataDir: config.dataDir, authMode: authModeOf(config) }, `照片回执 server on http://${config.host}:${config.port}/`);
  if (standin) app.log.info(`WeChat stand-in on ${standin.url}/__standin (sent messages); its codes open ${config.wechat.publicUrl}`);
  else app.log.info({ apiBase: config.wechat.apiBase }, 'WeChat API');
} catch (err) {
  app.log.error({ err }, 'could not start');
  await close().catch(() => undefined);
  process.exit(1);
}
