/**
 * Text on receipts must render on a machine without any CJK font: fontconfig is pointed at the
 * bundled Noto Sans SC (OFL) and nothing else, before sharp (libvips → pango → fontconfig) first
 * renders text. Imported for its side effect by media.repository.ts, ahead of sharp.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

export const RECEIPT_FONT_FAMILY = 'Noto Sans SC';

function fontDir(weight: '400Regular' | '700Bold'): string {
  const require = createRequire(import.meta.url);
  const pkg = path.dirname(require.resolve('@expo-google-fonts/noto-sans-sc/package.json'));
  return path.join(pkg, weight);
}

export function configureFonts(): string {
  const dirs = [fontDir('400Regular'), fontDir('700Bold')];
  const key = createHash('sha256').update(dirs.join('\n')).digest('hex').slice(0, 12);
  const root = path.join(os.tmpdir(), `zphz-fonts-${process.getuid?.() ?? 'u'}-${key}`);
  const file = path.join(root, 'fonts.conf');
  if (!existsSync(file)) {
    mkdirSync(path.join(root, 'cache'), { recursive: true, mode: 0o700 });
    const xml = `<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
${dirs.map((d) => `  <dir>${d}</dir>`).join('\n')}
  <cachedir>${path.join(root, 'cache')}</cachedir>
</fontconfig>
`;
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, xml);
    // rename is atomic: concurrent processes write the same content.
    renameSync(tmp, file);
  }
  process.env.FONTCONFIG_FILE = file;
  return file;
}

configureFonts();
