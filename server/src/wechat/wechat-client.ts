/**
 * The one WeChat API client (see wechat-api.ts). Implementation in progress.
 */
import type { WeChatConfig } from '../config';
import type { Clock } from '../repositories/clock.repository';
import type { CodeImage, CodeRequest, SubscribeMessage, WeChatApi, WeChatResult } from './wechat-api';

export interface WeChatClientLogger {
  warn(obj: object, msg: string): void;
}

export class WeChatClient implements WeChatApi {
  constructor(
    private readonly config: WeChatConfig,
    private readonly deps: { clock: Clock; log?: WeChatClientLogger; fetch?: typeof fetch },
  ) {}

  async code2Session(_code: string): Promise<WeChatResult<{ openid: string; unionid?: string }>> {
    throw new Error('not implemented yet');
  }

  async sendSubscribeMessage(_message: SubscribeMessage): Promise<WeChatResult<void>> {
    throw new Error('not implemented yet');
  }

  async getUnlimitedCode(_request: CodeRequest): Promise<WeChatResult<CodeImage>> {
    throw new Error('not implemented yet');
  }
}
