/** The mini-program renders no HTML links: nothing to do (see inert-script-links.h5.ts). */
export function makeScriptLinksInert(): void {}
