// Copies every plugins/<kind>/<name>/plugin.json (and any non-TypeScript file beside
// it) into DIST/plugins/<kind>/<name>/, next to the JavaScript that tsc built, so
// that DIST/plugins/<kind>/ are plugin folders the daemon can load.
// Usage: node scripts/copy-plugin-manifests.mjs [DIST]   (default: dist/ of the checkout)
import { cpSync, existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const source = path.join(root, 'plugins');
const target = path.join(path.resolve(process.argv[2] ?? path.join(root, 'dist')), 'plugins');

function copyAssets(from, to) {
  for (const name of readdirSync(from)) {
    const file = path.join(from, name);
    if (statSync(file).isDirectory()) {
      copyAssets(file, path.join(to, name));
    } else if (!name.endsWith('.ts')) {
      cpSync(file, path.join(to, name), { preserveTimestamps: true });
    }
  }
}

if (existsSync(source)) copyAssets(source, target);
