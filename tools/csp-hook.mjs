// Trunk post-build hook: Trunk loads the wasm with an inline <script type="module">, which
// a strict CSP blocks. Allow exactly that script by its SHA-256 instead of 'unsafe-inline'.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.env.TRUNK_STAGING_DIR;
if (!dir) throw new Error('TRUNK_STAGING_DIR is not set (run from Trunk)');
const file = join(dir, 'index.html');
let html = readFileSync(file, 'utf8');
const hashes = [];
for (const m of html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)) {
  hashes.push(`'sha256-${createHash('sha256').update(m[1], 'utf8').digest('base64')}'`);
}
if (!html.includes('CSP_LOADER_HASH')) throw new Error('CSP placeholder missing in index.html');
html = html.replace('CSP_LOADER_HASH', hashes.join(' '));
writeFileSync(file, html);
console.log(`csp-hook: allowed ${hashes.length} inline script(s)`);
