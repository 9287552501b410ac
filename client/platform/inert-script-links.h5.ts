/**
 * Taro's h5 tab bar (`<taro-tabbar>` from @tarojs/components) draws each tab as
 * `<a href="javascript:;">` with a click handler that does the switching. The server's CSP allows
 * no inline script (docs/security.md), so following such a link is refused and Chromium logs a
 * CSP violation on every tab tap, although the handler has already switched the tab.
 *
 * The link's default action is a no-op by design, so it is cancelled here, once, for the whole
 * document: a capturing click listener calls preventDefault() on a `javascript:` link (the tab's
 * own handler still runs; keyboard activation is a click too). The CSP stays strict.
 */
export function makeScriptLinksInert(): void {
  document.addEventListener(
    'click',
    (event) => {
      const target = event.target;
      if (!(target instanceof Element)) return;
      const link = target.closest('a[href]');
      if (link && /^\s*javascript:/i.test(link.getAttribute('href') ?? '')) event.preventDefault();
    },
    true,
  );
}
