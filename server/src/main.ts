/** Starts the server: config from the environment, listen, and a clean stop on SIGINT/SIGTERM. */
import { buildApp } from './app';
import { loadConfig } from './config';

const config = loadConfig();
const app = await buildApp({ config, logger: { level: process.env.LOG_LEVEL || 'info' } });

let closing = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    app.close().then(
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
  app.log.info({ dataDir: config.dataDir, authMode: config.authMode }, `照片回执 server on http://${config.host}:${config.port}/`);
} catch (err) {
  app.log.error({ err }, 'could not start');
  await app.close().catch(() => undefined);
  process.exit(1);
}
