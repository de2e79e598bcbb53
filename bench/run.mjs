// The benchmark (not a test): builds nothing itself; scripts/bench.sh builds the release
// app, the native figures and the face clip, then runs this. Prints markdown tables and
// writes bench/results/latest.json.
//
// node bench/run.mjs --dist DIR --clip FACE.y4m --wav ANSWER.wav --native native.jsonl
//   [--runs 100] [--frames 200] [--interview-s 60] [--memory-min 10] [--only-app MINUTES]
import { createServer } from 'node:http';
import { readFile, stat, readdir, mkdir, writeFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { join, extname, normalize, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { cpus, totalmem } from 'node:os';

const require = createRequire(join(dirname(fileURLToPath(import.meta.url)), '..', 'package.json'));
const { chromium } = require('playwright-core');
const HERE = dirname(fileURLToPath(import.meta.url));
const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc), []));
const DIST = args.dist;
const RUNS = Number(args.runs || 100);
const FRAMES = Number(args.frames || 200);
const INTERVIEW_S = Number(args['interview-s'] || 60);
const MEMORY_MIN = Number(args['memory-min'] ?? 10);

const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm',
  '.css': 'text/css', '.json': 'application/json', '.svg': 'image/svg+xml', '.webmanifest': 'application/manifest+json' };

/** /ai-interviewer/ -> the built app, /bench/ -> this folder (pages and node_modules). */
async function serve() {
  // /models/: the repository's models folder (its models.json is the one table of models).
  const mounts = [['/ai-interviewer/', DIST], ['/bench/', HERE], ['/models/', join(HERE, '..', 'models')]];
  if (args.variants) mounts.push(['/variants/', args.variants]);
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, 'http://x');
    const m = mounts.find(([p]) => url.pathname.startsWith(p));
    if (!m) { res.writeHead(404); return res.end(); }
    let rel = normalize(decodeURIComponent(url.pathname.slice(m[0].length)));
    if (rel.startsWith('..')) { res.writeHead(403); return res.end(); }
    if (rel === '.' || rel === '' || rel.endsWith('/')) rel = join(rel, 'index.html');
    try {
      const file = join(m[1], rel);
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': TYPES[extname(file)] || 'application/octet-stream', 'cache-control': 'no-cache' });
      res.end(body);
    } catch { res.writeHead(404); res.end(); }
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { origin: `http://127.0.0.1:${server.address().port}`, close: () => server.close() };
}

const fmt = (v, d = 1) => (v == null || Number.isNaN(v) ? '–' : Number(v).toFixed(d));
const kb = (n) => `${(n / 1024).toFixed(0)} KB`;
const mb = (n) => `${(n / 1048576).toFixed(2)} MB`;

async function sizes() {
  const rows = { wasm: [0, 0], js: [0, 0], models: [0, 0], other: [0, 0] };
  const files = [];
  for (const f of await readdir(DIST)) {
    const p = join(DIST, f);
    if (!(await stat(p)).isFile()) continue;
    const b = await readFile(p);
    const g = gzipSync(b, { level: 9 }).length;
    const kind = f.endsWith('.wasm') ? 'wasm' : f.endsWith('.js') ? 'js' : f.endsWith('.onnx') ? 'models' : 'other';
    rows[kind][0] += b.length; rows[kind][1] += g;
    files.push({ file: f, bytes: b.length, gzip: g });
  }
  return { rows, files };
}

async function page(browser, path, wait = 600_000) {
  const context = await browser.newContext();
  await context.grantPermissions(['camera', 'microphone']);
  const p = await context.newPage();
  p.on('pageerror', (e) => console.error(`# page error: ${e}`));
  await p.goto(server.origin + path);
  await p.waitForFunction(() => window.__results, null, { timeout: wait, polling: 500 });
  const r = await p.evaluate(() => window.__results);
  await context.close();
  if (r.error) throw new Error(`${path}: ${r.error}`);
  return r;
}

/** Cold start, then an interview of `seconds` with the face clip: long tasks, memory. */
async function appRun(browser, seconds) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 850 } });
  await context.grantPermissions(['camera', 'microphone']);
  await context.addInitScript(() => {
    window.__longtasks = [];
    new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__longtasks.push({ start: e.startTime, duration: e.duration }); })
      .observe({ type: 'longtask', buffered: true });
  });
  const p = await context.newPage();
  p.on('dialog', (d) => d.accept());
  await p.goto(server.origin + '/ai-interviewer/');
  await p.getByTestId('start').waitFor();
  const firstRender = await p.evaluate(() => performance.now());
  const fcp = await p.evaluate(() => performance.getEntriesByType('paint').find((e) => e.name === 'first-contentful-paint')?.startTime);
  // Questions of 2 minutes (or 1 for a short run), answered until the timer moves on.
  const limit = seconds >= 120 ? 120 : 60;
  const count = Math.max(1, Math.round(seconds / limit));
  await p.getByTestId('count').selectOption(String(count));
  await p.getByTestId('limit').selectOption(String(limit));
  await p.getByTestId('start').click();
  await p.getByTestId('vision-status').filter({ hasText: /ready/i }).waitFor({ timeout: 120_000 });
  const modelsReady = await p.evaluate(() => performance.now());
  const begin = await p.evaluate(() => performance.now());
  await p.getByTestId('begin').click();
  await p.getByTestId('summary').waitFor({ timeout: (count * limit + 120) * 1000 });
  const end = await p.evaluate(() => performance.now());
  const long = (await p.evaluate(() => window.__longtasks)).filter((t) => t.start >= begin && t.start <= end);
  // Each recording chunk's write (one a second, with the frames since the last one): the
  // app marks it as a performance measure "chunk-save". Flat cost = first minute ~ last.
  const saves = await p.evaluate(() => performance.getEntriesByName('chunk-save').map((e) => e.duration));
  const median = (a) => { const s = [...a].sort((x, y) => x - y); return s.length ? s[Math.floor(s.length / 2)] : null; };
  const perMinute = [];
  for (let i = 0; i < saves.length; i += 60) perMinute.push(median(saves.slice(i, i + 60)));
  const chunkSave = { count: saves.length, firstMinuteMedianMs: median(saves.slice(0, 60)), lastMinuteMedianMs: median(saves.slice(-60)), perMinuteMedianMs: perMinute };
  // The speech worker's analyses (live meter blocks and each answer's full analysis with
  // the voice-activity model), marked "speech-analysis" from request to reply: their sum
  // over the recording's wall time is the worker's share of one core while recording.
  const analyses = await p.evaluate((b) => performance.getEntriesByName('speech-analysis')
    .filter((e) => e.startTime >= b).map((e) => e.duration), begin);
  const speechWorker = { count: analyses.length, totalMs: analyses.reduce((a, b) => a + b, 0),
    shareOfOneCore: analyses.reduce((a, b) => a + b, 0) / (end - begin), maxMs: Math.max(0, ...analyses) };
  const firstMinute = long.filter((t) => t.start <= begin + 60_000);
  const cdp = await context.newCDPSession(p);
  await cdp.send('HeapProfiler.collectGarbage');
  const heap = await cdp.send('Runtime.getHeapUsage');
  const storage = await p.evaluate(async () => (await navigator.storage.estimate()).usage);
  await context.close();
  const stats = (l) => ({ count: l.length, maxMs: l.reduce((m, t) => Math.max(m, t.duration), 0), totalMs: l.reduce((s, t) => s + t.duration, 0) });
  return {
    seconds: (end - begin) / 1000, firstRenderMs: firstRender, fcpMs: fcp, modelsReadyMs: modelsReady,
    longTasks: stats(long), longTasksFirstMinute: stats(firstMinute), longest: long.sort((a, b) => b.duration - a.duration).slice(0, 5),
    jsHeapUsedBytes: heap.usedSize, storageBytes: storage, chunkSave, speechWorker,
  };
}

let server;
async function main() {
  server = await serve();
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true,
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
      `--use-file-for-fake-video-capture=${args.clip}`, `--use-file-for-fake-audio-capture=${args.wav}`,
      '--autoplay-policy=no-user-gesture-required', '--disable-background-networking', '--enable-precise-memory-info'],
  });
  const version = browser.version();
  const out = { date: new Date().toISOString(), machine: `${cpus().length} × ${cpus()[0].model}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB`, chromium: version };
  const native = args.native ? (await readFile(args.native, 'utf8')).trim().split('\n').map((l) => JSON.parse(l)) : [];

  // --only-app M: just an M-minute interview (long tasks, memory, chunk-save cost).
  if (args['only-app']) {
    const a = await appRun(browser, Number(args['only-app']) * 60);
    console.log(JSON.stringify(a, null, 2));
    await browser.close();
    server.close();
    return;
  }
  console.error('# sizes');
  out.sizes = await sizes();
  console.error('# per-model: tract wasm vs onnxruntime-web');
  const variants = args.variants ? (await readdir(args.variants)).filter((f) => f.endsWith('.onnx')).sort() : [];
  out.models = await page(browser, `/bench/pages/models.html?runs=${RUNS}&profile=1&variants=${variants.join(',')}`);
  out.pipeline = {};
  for (const engine of ['ours', 'ours-full', 'human', 'faceapi']) {
    console.error(`# pipeline: ${engine}`);
    try { out.pipeline[engine] = await page(browser, `/bench/pages/pipeline.html?engine=${engine}&frames=${FRAMES}`); }
    catch (e) { out.pipeline[engine] = { error: String(e) }; console.error(`# ${engine}: ${e}`); }
  }
  console.error(`# app: start-up, then a ${INTERVIEW_S} s interview`);
  if (INTERVIEW_S > 0) out.app = await appRun(browser, INTERVIEW_S);
  if (INTERVIEW_S <= 0) { await browser.close(); server.close(); print(out, native); return; }
  if (MEMORY_MIN > 0) {
    console.error(`# app: a ${MEMORY_MIN}-minute interview for memory`);
    out.appLong = await appRun(browser, MEMORY_MIN * 60);
  }
  await browser.close();
  server.close();
  await mkdir(join(HERE, 'results'), { recursive: true });
  await writeFile(join(HERE, 'results', 'latest.json'), JSON.stringify(out, null, 2));
  const table = print(out, native);
  // --write FILE: replaces the part of FILE between the bench markers with the tables.
  if (args.write) {
    const md = await readFile(args.write, 'utf8');
    const a = md.indexOf('<!-- bench:start -->'), b = md.indexOf('<!-- bench:end -->');
    if (a < 0 || b < a) throw new Error(`${args.write} has no bench markers`);
    await writeFile(args.write, `${md.slice(0, a)}<!-- bench:start -->\n${table}\n${md.slice(b)}`);
    console.error(`# tables written to ${args.write}`);
  }
}

function print(o, native) {
  const L = [];
  L.push(`Machine: ${o.machine}; Chromium ${o.chromium}; headless, no GPU; ${o.date.slice(0, 10)}.`, '');
  L.push(`### Per model (ms per inference, median / p95 over ${RUNS} runs after 10 warm-up runs; same ONNX file, same input)`, '');
  L.push('| model | tract native | tract wasm (+simd128) | onnxruntime-web ' + (o.models.ortVersion || '') + ' wasm, 1 thread | tract-wasm / ort | max abs output difference |');
  L.push('|---|---|---|---|---|---|');
  for (const m of o.models.models) {
    const n = native.find((x) => x.model === m.model);
    L.push(`| ${m.model} | ${n ? `${fmt(n.median_ms, 2)} / ${fmt(n.p95_ms, 2)}` : '–'} | ${fmt(m.tract.median, 2)} / ${fmt(m.tract.p95, 2)} | ${fmt(m.ort.median, 2)} / ${fmt(m.ort.p95, 2)} | ${fmt(m.tract.median / m.ort.median, 2)} | ${m.maxAbsDiff.toExponential(1)} (outputs up to ${fmt(m.maxAbsRef, 1)}) |`);
  }
  if (o.models.variants?.length) {
    L.push('', 'Variants of the model files (weights in fp16 with a `Cast` to fp32 at load; int8 QDQ from onnxruntime.quantization), same input:', '');
    L.push('| file | size | tract wasm | onnxruntime-web | max abs difference from fp32 (tract) |', '|---|---|---|---|---|');
    for (const v of o.models.variants) L.push(`| ${v.file} | ${kb(v.bytes)} | ${fmt(v.tract.median, 2)} / ${fmt(v.tract.p95, 2)} | ${fmt(v.ort.median, 2)} / ${fmt(v.ort.p95, 2)} | ${v.maxAbsDiffVsFp32.toExponential(1)} |`);
  }
  if (o.models.profiles?.length) {
    // Per operator kind, from the per-node profile (timing each node adds a little).
    L.push('', 'Where tract\'s time goes in wasm (mean ms per run by operator kind, the three largest; `model-ops --profile` gives the same natively):', '');
    L.push('| model | total | largest | second | third |', '|---|---|---|---|---|');
    for (const p of o.models.profiles) {
      // kinds: [op, ms, nodes], largest first (bench::by_op in the worker).
      const total = p.kinds.reduce((a, k) => a + k[1], 0);
      const top = p.kinds.slice(0, 3).map(([op, ms]) => `${op} ${fmt(ms, 2)} (${fmt((100 * ms) / total, 0)}%)`);
      L.push(`| ${p.model} | ${fmt(total, 2)} | ${top.join(' | ')} |`);
    }
  }
  L.push('', `Start-up: tract worker ready (4 models fetched, parsed, optimised) ${fmt(o.models.tractLoadMs, 0)} ms; onnxruntime-web sessions ${fmt(o.models.ortLoadMs, 0)} ms (${Object.entries(o.models.ortSessionMs).map(([k, v]) => `${k} ${fmt(v, 0)}`).join(', ')}).`, '');
  L.push(`### Whole pipeline per frame (${FRAMES} frames of the 640×480 fake-camera clip after 20 warm-up frames, one after another)`, '');
  L.push('| engine | what runs | ms per frame (median / p95) | frames/s | face found | init |');
  L.push('|---|---|---|---|---|---|');
  const what = { ours: 'tracking, detector when lost, mesh, one iris per frame, expression every 200 ms (as in the app)', 'ours-full': 'the same with both irises and the expression on every frame', human: 'face detector, mesh, iris, emotion', faceapi: 'tiny face detector (416), expressions' };
  for (const [k, r] of Object.entries(o.pipeline)) {
    if (r.error) { L.push(`| ${k} | ${what[k]} | failed: ${r.error.slice(0, 80)} | | | |`); continue; }
    L.push(`| ${k === 'ours' || k === 'ours-full' ? `AI Interviewer (${k})` : r.info} | ${what[k]} | ${fmt(r.frame.median)} / ${fmt(r.frame.p95)} | ${fmt(r.fps)} | ${fmt(r.faceShare * 100, 0)}% | ${fmt(r.initMs, 0)} ms |`);
  }
  const st = o.pipeline['ours-full']?.stages;
  if (st) L.push('', `Stages in the worker (ours-full, medians of frames where they ran): detect ${st.detect ? `${fmt(st.detect)} ms` : 'not needed (tracking held on every measured frame)'}, mesh ${fmt(st.mesh)} ms, irises ${fmt(st.iris)} ms, expression ${fmt(st.emotion)} ms, total ${fmt(st.total)} ms.`);
  L.push('', '### The app');
  const s = o.sizes.rows;
  L.push('', '| download | raw | gzip -9 |', '|---|---|---|');
  for (const f of o.sizes.files.filter((f) => /\.(wasm|js|onnx)$/.test(f.file))) L.push(`| ${f.file} | ${kb(f.bytes)} | ${kb(f.gzip)} |`);
  const total = Object.values(s).reduce((a, r) => [a[0] + r[0], a[1] + r[1]], [0, 0]);
  L.push(`| all wasm | ${mb(s.wasm[0])} | ${mb(s.wasm[1])} |`, `| all JS | ${kb(s.js[0])} | ${kb(s.js[1])} |`, `| models | ${mb(s.models[0])} | ${mb(s.models[1])} |`, `| everything | ${mb(total[0])} | ${mb(total[1])} |`);
  for (const [label, a] of [['Interview', o.app], ['Long interview', o.appLong]]) {
    if (!a) continue;
    L.push('', `${label} of ${fmt(a.seconds, 0)} s (cold cache, localhost): first contentful paint ${fmt(a.fcpMs, 0)} ms, home page rendered ${fmt(a.firstRenderMs, 0)} ms, models ready ${fmt(a.modelsReadyMs, 0)} ms after navigation; main-thread long tasks (> 50 ms) while recording: ${a.longTasks.count} (longest ${fmt(a.longTasks.maxMs, 0)} ms), ${a.longTasksFirstMinute.count} in the first minute; JS heap after it ${mb(a.jsHeapUsedBytes)}; storage used ${mb(a.storageBytes)}; chunk saves ${a.chunkSave?.count ?? 0}, median ${fmt(a.chunkSave?.firstMinuteMedianMs, 1)} ms in the first minute and ${fmt(a.chunkSave?.lastMinuteMedianMs, 1)} ms in the last; speech worker ${a.speechWorker?.count ?? 0} analyses, ${fmt(100 * (a.speechWorker?.shareOfOneCore ?? 0), 2)}% of one core while recording (longest ${fmt(a.speechWorker?.maxMs, 0)} ms).`);
  }
  console.log(L.join('\n'));
  return L.join('\n');
}

main().catch((e) => { console.error(e); process.exit(1); });
