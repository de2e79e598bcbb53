// Trunk post-build hook, run on the staging folder before it becomes dist/:
// 1. copies the models of the one table (models/models.json) into the app, flat;
// 2. allows Trunk's inline loader script by its SHA-256 in the Content-Security-Policy
//    (a strict CSP blocks inline scripts; this avoids 'unsafe-inline');
// 3. writes the service worker's precache list (every file of the build except the
//    on-demand models and the workers that run only them, which are cached when the user
//    turns their feature on) and its
//    cache version (a hash of those files), so a renamed or changed file can never be
//    left out of offline use or served stale.
import { createHash } from 'node:crypto';
import { copyFileSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = process.env.TRUNK_STAGING_DIR;
if (!dir) throw new Error('TRUNK_STAGING_DIR is not set (run from Trunk)');
const root = join(dirname(fileURLToPath(import.meta.url)), '..');

// 1. Models.
const { models } = JSON.parse(readFileSync(join(root, 'models/models.json'), 'utf8'));
for (const m of models) {
  const src = join(root, 'models', m.path);
  const size = statSync(src).size;
  if (size !== m.bytes) throw new Error(`${m.path}: ${size} bytes, models.json says ${m.bytes}`);
  copyFileSync(src, join(dir, basename(m.path)));
}
const onDemand = new Set(models.filter((m) => m.load === 'on_demand').map((m) => basename(m.path)));
// A worker that only runs on-demand models is itself fetched on demand (its bundle links
// tract: megabytes nobody needs until they turn the feature on).
const workers = new Set(models.map((m) => m.worker));
const onDemandWorkers = [...workers].filter((w) => models.every((m) => m.worker !== w || m.load === 'on_demand'));
for (const f of readdirSync(dir)) {
  if (onDemandWorkers.some((w) => f.startsWith(`${w}-worker`))) onDemand.add(f);
}

// 2. CSP.
const indexFile = join(dir, 'index.html');
let html = readFileSync(indexFile, 'utf8');
const hashes = [];
for (const m of html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)) {
  hashes.push(`'sha256-${createHash('sha256').update(m[1], 'utf8').digest('base64')}'`);
}
if (!html.includes('CSP_LOADER_HASH')) throw new Error('CSP placeholder missing in index.html');
html = html.replace('CSP_LOADER_HASH', hashes.join(' '));
writeFileSync(indexFile, html);

// 3. Service worker.
const swFile = join(dir, 'sw.js');
const files = readdirSync(dir)
  .filter((f) => f !== 'sw.js' && !onDemand.has(f) && statSync(join(dir, f)).isFile())
  .sort();
const version = createHash('sha256');
for (const f of files) version.update(f).update(readFileSync(join(dir, f)));
let sw = readFileSync(swFile, 'utf8');
for (const k of ['__PRECACHE__', '__ON_DEMAND__', '__VERSION__']) {
  if (!sw.includes(k)) throw new Error(`sw.js: placeholder ${k} missing`);
}
sw = sw
  .replace('__PRECACHE__', JSON.stringify(['./', ...files.map((f) => `./${f}`)]))
  .replace('__ON_DEMAND__', JSON.stringify([...onDemand].map((f) => `./${f}`)))
  .replace('__VERSION__', version.digest('hex').slice(0, 16));
writeFileSync(swFile, sw);
console.log(`post-build: ${models.length} models, ${hashes.length} inline script(s) allowed, ${files.length} files precached`);
