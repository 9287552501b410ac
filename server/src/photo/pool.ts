/**
 * A pool of engine workers so that a server calling the engine stays responsive and a batch uses
 * every core. Concurrency defaults to the number of cores.
 */
import os from 'node:os';
import { Piscina } from 'piscina';
import type { CertCode } from '../../../shared/certificates';
import type { PhotoBackground } from '../../../shared/photo-background';
import type { EngineResult } from './engine';
import type { PhotoTask, PhotoTaskResult } from './photo.worker';

const WORKER = new URL('./photo.worker.ts', import.meta.url);

export interface PhotoPoolOptions {
  size?: number;
}

export class PhotoPool {
  private readonly piscina: Piscina<PhotoTask, PhotoTaskResult>;

  constructor(options: PhotoPoolOptions = {}) {
    const size = options.size ?? os.availableParallelism();
    this.piscina = new Piscina({
      filename: WORKER.href,
      minThreads: size,
      maxThreads: size,
      idleTimeout: Number.POSITIVE_INFINITY,
      // The worker is TypeScript: load it through tsx unless this process already runs under it.
      execArgv: process.execArgv.some((a) => a.includes('tsx')) ? process.execArgv : ['--import', 'tsx'],
    });
  }

  get size(): number {
    return this.piscina.options.maxThreads;
  }

  async process(input: Buffer, cert: CertCode, background?: PhotoBackground): Promise<EngineResult> {
    const task: PhotoTask = { input: new Uint8Array(input.buffer, input.byteOffset, input.byteLength), cert, background: background?.key };
    const result = await this.piscina.run(task);
    return { report: result.report, jpeg: result.jpeg ? Buffer.from(result.jpeg.buffer, result.jpeg.byteOffset, result.jpeg.byteLength) : null };
  }

  close(): Promise<void> {
    return this.piscina.destroy();
  }
}
