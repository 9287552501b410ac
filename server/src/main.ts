/**
 * `npm run serve`: config from the environment, the WeChat stand-in when no app id is configured
 * (local mode), the API (and the jobs, unless PHOTO_WORKERS=0: then `npm run worker` processes
 * run them), listen, and a clean stop on SIGINT/SIGTERM. A bad setting stops it before it listens.
 */
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app';
import { authModeOf, type AppConfig } from './config';
import { exitOnStopSignals, exitWithStartError, loadConfigOrExit } from './roles';
import { startStandin, type WeChatStandin } from './wechat/standin';

async function startApi(config: AppConfig): Promise<void> {
  let standin: WeChatStandin | null = null;
  let app: FastifyInstance;
  try {
    if (config.wechat.mode === 'standin') {
      const { appid, secret, publicUrl, standinPort } = config.wechat;
      standin = await startStandin({ port: standinPort, appid, secret, publicUrl });
    }
    app = await buildApp({ config, logger: { level: process.env.LOG_LEVEL || 'info' } });
  } catch (err) {
    await standin?.close().catch(() => undefined);
    exitWithStartError(err);
  }

  const close = async () => {
    await app.close();
    await standin?.close();
  };
  exitOnStopSignals(app.log, close);

  try {
    await app.listen({ port: config.port, host: config.host });
    app.log.info(
      { dataDir: config.dataDir, database: config.databaseUrl ? 'postgres' : 'sqlite', storage: config.storage.kind, runsJobs: config.poolSize !== 0, authMode: authModeOf(config) },
      `照片回执 server on http://${config.host}:${config.port}/`,
    );
    if (standin) app.log.info(`WeChat stand-in on ${standin.url}/__standin (sent messages); its codes open ${config.wechat.publicUrl}`);
    else app.log.info({ apiBase: config.wechat.apiBase }, 'WeChat API');
  } catch (err) {
    app.log.error({ err }, 'could not start');
    await close().catch(() => undefined);
    process.exit(1);
  }
}

await startApi(loadConfigOrExit());
