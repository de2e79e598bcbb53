// The per-model comparison alone (a couple of minutes instead of bench.sh's twenty), for
// measuring one kernel change at a time: tract wasm and onnxruntime-web medians per model,
// with optional tract knob sets and per-node profiles. Build the dist first, as bench.sh
// does (`trunk build --release --public-url /ai-interviewer/ --dist DIR`), then:
//   node bench/models.mjs --dist DIR [--runs 200] [--knobs "A=1;A=2,B=3"] [--profile 1]
// Profiles (mean ms per node and per op kind) go to bench/results/profiles.json.
import { createServer } from 'node:http';
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { join, extname, normalize, dirname } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(HERE, '..', 'package.json'));
const { chromium } = require('playwright-core');
const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc), []));
if (!args.dist) throw new Error('usage: node bench/models.mjs --dist DIR [--runs N] [--knobs SETS] [--profile 1]');
const RUNS = Number(args.runs || 200);
const mounts = [['/ai-interviewer/', args.dist], ['/bench/', HERE], ['/models/', join(HERE, '..', 'models')]];
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm' };
const server = createServer(async (req, res) => {
  const url = new URL(req.url, 'http://x');
  const m = mounts.find(([p]) => url.pathname.startsWith(p));
  if (!m) { res.writeHead(404); return res.end(); }
  let rel = normalize(decodeURIComponent(url.pathname.slice(m[0].length)));
  if (rel.startsWith('..')) { res.writeHead(403); return res.end(); }
  if (rel === '.' || rel.endsWith('/')) rel = join(rel, 'index.html');
  try {
    const file = join(m[1], rel);
    const body = await readFile(file);
    res.writeHead(200, { 'content-type': TYPES[extname(file)] || 'application/octet-stream' });
    res.end(body);
  } catch { res.writeHead(404); res.end(); }
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] });
try {
  const page = await (await browser.newContext()).newPage();
  const query = `runs=${RUNS}&knobs=${encodeURIComponent(args.knobs || '')}${args.profile ? '&profile=1' : ''}`;
  await page.goto(`http://127.0.0.1:${server.address().port}/bench/pages/models.html?${query}`);
  await page.waitForFunction(() => window.__results, null, { timeout: 900000, polling: 500 });
  const r = await page.evaluate(() => window.__results);
  if (r.error) throw new Error(r.error);
  for (const m of r.models || []) {
    console.log(`${m.model}: tract ${m.tract.median.toFixed(2)} ms, ort ${m.ort.median.toFixed(2)} ms, ratio ${(m.tract.median / m.ort.median).toFixed(2)}, max |diff| ${m.maxAbsDiff.toExponential(1)} (outputs up to ${m.maxAbsRef.toFixed(1)})`);
  }
  for (const k of r.knobs || []) console.log(`knobs ${k.knobs}: ${k.model} tract ${k.tract.median.toFixed(2)} ms, max |diff| ${k.maxAbsDiff.toExponential(1)}`);
  if (r.profiles) {
    await mkdir(join(HERE, 'results'), { recursive: true });
    await writeFile(join(HERE, 'results', 'profiles.json'), JSON.stringify(r.profiles, null, 2));
    for (const p of r.profiles) {
      const total = p.kinds.reduce((s, k) => s + k[1], 0);
      console.log(`${p.model} profile: ${total.toFixed(2)} ms; ` + p.kinds.slice(0, 4).map(([op, ms, n]) => `${op} ${ms.toFixed(2)} (${n})`).join(', '));
    }
  }
} finally {
  await browser.close();
  server.close();
}
