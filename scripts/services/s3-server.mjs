// The S3-compatible server for the test run: @20minutes/s3rver (the maintained fork of s3rver,
// an npm devDependency; docs/storage.md says why this one) on 127.0.0.1, objects under
// <dir>/data, the bucket created at start. Writes <dir>/port once it listens; stops on
// SIGTERM/SIGINT, and by itself when the process that started it is gone (a test run killed
// half-way leaves no server behind).
//
// Usage: node scripts/services/s3-server.mjs <dir> <bucket> <port (0: any free one)> <pid to outlive not>
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import S3rver from '@20minutes/s3rver';

const [dir, bucket, port = '0', watch] = process.argv.slice(2);
if (!dir || !bucket) {
  console.error('usage: s3-server.mjs <dir> <bucket> [port] [pid]');
  process.exit(2);
}
const server = new S3rver({
  address: '127.0.0.1',
  port: Number(port),
  directory: path.join(dir, 'data'),
  silent: true,
  // s3rver signs bucket-level requests without the trailing slash the AWS SDK v3 sends
  // (PUT /bucket/ → it computes "/bucket"), so every bucket-level call would fail with
  // SignatureDoesNotMatch. Unknown access key ids are still refused (InvalidAccessKeyId).
  allowMismatchedSignatures: true,
  configureBuckets: [{ name: bucket, configs: [] }],
});
const { port: listening } = await server.run();
writeFileSync(path.join(dir, 'port'), `${listening}\n`);

const parent = Number(watch ?? process.ppid);
let stopping = false;
async function stop(code) {
  if (stopping) return;
  stopping = true;
  await server.close().catch(() => undefined);
  process.exit(code);
}
process.on('SIGTERM', () => stop(0));
process.on('SIGINT', () => stop(0));
setInterval(() => {
  try {
    process.kill(parent, 0);
  } catch {
    stop(0);
  }
}, 1000).unref();
