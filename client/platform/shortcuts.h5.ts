/** Desktop browsers: single-letter shortcuts for the review console. */
export const SHORTCUTS_AVAILABLE = true;

/** Taro's h5 form fields are custom elements (taro-input-core, taro-textarea-core). */
function isTaroField(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && /^TARO-(INPUT|TEXTAREA)-CORE$/.test(target.tagName);
}

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  const tag = target.tagName;
  return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || target.isContentEditable;
}

/** Binds single-letter keys (lower case) to handlers; ignored while typing or with modifiers. */
export function bindShortcuts(handlers: Record<string, () => void>): () => void {
  const onKey = (event: KeyboardEvent) => {
    if (event.ctrlKey || event.metaKey || event.altKey || isTyping(event.target)) return;
    // Taro's h5 inputs live in a shadow root: the composed path shows what is focused.
    const inner = event.composedPath?.()[0] ?? null;
    if (isTyping(inner)) return;
    // Taro re-emits keydown from its own input elements without a `key`.
    if (typeof event.key !== 'string' || isTaroField(event.target)) return;
    const handler = handlers[event.key.toLowerCase()];
    if (!handler) return;
    event.preventDefault();
    handler();
  };
  document.addEventListener('keydown', onKey);
  return () => document.removeEventListener('keydown', onKey);
}
