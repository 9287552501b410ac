/** Keyboard shortcuts exist only in the browser (see shortcuts.h5.ts); weapp has no keyboard. */
export const SHORTCUTS_AVAILABLE = false;

/** Binds single-letter keys (lower case) to handlers; returns the unbind function. */
export function bindShortcuts(_handlers: Record<string, () => void>): () => void {
  return () => {};
}
