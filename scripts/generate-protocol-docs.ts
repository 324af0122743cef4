/**
 * Rewrites the generated action reference in docs/driver-protocol.md from the
 * protocol declaration in core/drivers/protocol/. Run it after changing an action:
 *
 *   npm run build && node dist/scripts/generate-protocol-docs.js
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { GENERATED_BEGIN, GENERATED_END, renderProtocolReference } from '../core/plugins/protocol-reference.js';

/** Returns the doc with the text between the generated markers replaced by the current reference. */
export function updateProtocolDoc(doc: string): string {
  const begin = doc.indexOf(GENERATED_BEGIN);
  const end = doc.indexOf(GENERATED_END);
  if (begin < 0 || end < begin) throw new Error(`the doc must contain the lines "${GENERATED_BEGIN}" and "${GENERATED_END}"`);
  return doc.slice(0, begin) + renderProtocolReference() + doc.slice(end + GENERATED_END.length + 1);
}

/** Finds the project folder: the first folder above this file that contains package.json (dist/ has none). */
function projectRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json')) && dir !== path.dirname(dir)) dir = path.dirname(dir);
  return dir;
}

function main(): void {
  const file = path.join(projectRoot(), 'docs', 'driver-protocol.md');
  writeFileSync(file, updateProtocolDoc(readFileSync(file, 'utf8')));
  process.stdout.write(`updated ${file}\n`);
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) main();
