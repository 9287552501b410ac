/** The built h5 app on `/`, same port as the API; a short note when it has not been built. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

const NOT_BUILT = `<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>照片回执</title>
<p>前端页面尚未构建。请先运行 <code>npm run build:h5</code>,或直接运行 <code>npm start</code>(会先构建再启动)。</p>
<p>接口地址:<code>/api</code></p></html>`;

export async function registerH5(app: FastifyInstance, h5Dir: string): Promise<void> {
  if (!existsSync(path.join(h5Dir, 'index.html'))) {
    app.log.warn({ h5Dir }, 'h5 build not found; serving a note on /');
    app.get('/', async (_request, reply) => reply.type('text/html; charset=utf-8').send(NOT_BUILT));
    return;
  }
  await app.register(fastifyStatic, {
    root: h5Dir,
    prefix: '/',
    index: ['index.html'],
    setHeaders: (res, file) => {
      // index.html names the hashed bundles: always revalidate it; the bundles can be cached.
      res.header('Cache-Control', file.endsWith('.html') ? 'no-cache' : 'public, max-age=31536000, immutable');
    },
  });
}
