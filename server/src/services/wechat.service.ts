/**
 * What the client asks about WeChat: its configuration (sign-in mode, template ids) and
 * mini-program code images. A code is permanent for its scene, so images are kept in a small
 * in-memory cache and concurrent requests for one scene share one call to WeChat.
 */
import type { ClientConfigView } from '../../../shared/api';
import { MINIPROGRAM_HOME_PAGE } from '../../../shared/wechat';
import { authModeOf, type AppConfig } from '../config';
import { ERRCODE, type CodeImage, type WeChatApi } from '../wechat/wechat-api';
import { AppError } from './errors';

const CACHE_SIZE = 200;

export interface WeChatServiceLogger {
  warn(obj: object, msg: string): void;
}

export class WeChatService {
  private readonly codes = new Map<string, Promise<CodeImage>>();

  constructor(private readonly deps: { config: AppConfig; wechat: WeChatApi; log: WeChatServiceLogger }) {}

  clientConfig(): ClientConfigView {
    const { config } = this.deps;
    return { mode: authModeOf(config), subscribeTemplates: { ...config.wechat.templates } };
  }

  /** The code that opens the mini-program's home page with `scene` (the page routes from there). */
  code(scene: string): Promise<CodeImage> {
    const cached = this.codes.get(scene);
    if (cached) {
      // Least recently used goes first: re-insert on every hit.
      this.codes.delete(scene);
      this.codes.set(scene, cached);
      return cached;
    }
    const pending = this.fetchCode(scene);
    this.codes.set(scene, pending);
    pending.catch(() => this.codes.delete(scene));
    if (this.codes.size > CACHE_SIZE) this.codes.delete(this.codes.keys().next().value!);
    return pending;
  }

  private async fetchCode(scene: string): Promise<CodeImage> {
    const result = await this.deps.wechat.getUnlimitedCode({ scene, page: MINIPROGRAM_HOME_PAGE });
    if (result.ok) return result.value;
    this.deps.log.warn({ failure: result.error.message }, 'could not get a mini-program code');
    throw new AppError(result.error.errcode === ERRCODE.sceneInvalid ? 'INVALID_SCENE' : 'WECHAT_UNAVAILABLE');
  }
}
