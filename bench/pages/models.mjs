// Each shipped model, the same ONNX file and the same input, timed in the app's own
// inference worker (tract, wasm +simd128) and in an onnxruntime-web worker (wasm, one
// thread); outputs compared. Results in window.__results.
import { askWorker, benchInput, shippedModels, stats } from '../input.mjs';

const RUNS = Number(new URLSearchParams(location.search).get('runs') || 100);
const APP = '/ai-interviewer/';
const MODELS = await shippedModels('vision');
const log = (s) => { document.getElementById('log').textContent += `\n${s}`; };

function ask(worker, msg, want, transfer = []) {
  return new Promise((resolve, reject) => {
    const on = (e) => {
      const d = e.data;
      if (d.type === want) { worker.removeEventListener('message', on); resolve(d); }
      else if (/error/.test(d.type)) { worker.removeEventListener('message', on); reject(new Error(d.message)); }
    };
    worker.addEventListener('message', on);
    if (msg) worker.postMessage(msg, transfer);
  });
}

/** Times one model in the app's worker (built with its `bench` feature): `{times, outputs}`. */
async function timeTract(worker, model, knobs, input, onnx) {
  const data = onnx ? [input, onnx] : [input];
  const r = await askWorker(worker, { type: 'time', model, runs: RUNS, knobs }, data, 'times');
  return { times: r.msg.times, outputs: r.data };
}

/** Largest absolute difference over all outputs, and the largest reference magnitude. */
function compare(a, b) {
  let diff = 0, scale = 0;
  for (let k = 0; k < Math.min(a.length, b.length); k++) {
    const x = a[k], y = b[k];
    if (x.length !== y.length) return { diff: Infinity, scale: 1 };
    for (let i = 0; i < x.length; i++) {
      diff = Math.max(diff, Math.abs(x[i] - y[i]));
      scale = Math.max(scale, Math.abs(x[i]));
    }
  }
  return { diff, scale };
}

async function main() {
  const t0 = performance.now();
  const tract = new Worker(APP + 'vision-worker_loader.js');
  const ready = (await askWorker(tract, null, null, 'ready')).msg;
  const tractLoad = performance.now() - t0;
  log(`tract worker ready: ${ready.ms.toFixed(0)} ms in the worker, ${tractLoad.toFixed(0)} ms from start`);
  const ort = new Worker('ort-worker.mjs', { type: 'module' });
  const t1 = performance.now();
  const loaded = await ask(ort, { type: 'load', models: MODELS.map((m) => ({ name: m.name, url: APP + m.file })) }, 'loaded');
  const ortLoad = performance.now() - t1;
  log(`onnxruntime-web ${loaded.version} sessions: ${JSON.stringify(loaded.ms)}; ${ortLoad.toFixed(0)} ms from start`);
  const results = { tractLoadMs: tractLoad, tractWorkerLoadMs: ready.ms, ortLoadMs: ortLoad, ortSessionMs: loaded.ms, ortVersion: loaded.version, models: [] };
  for (const m of MODELS) {
    const len = m.shape.reduce((a, b) => a * b, 1);
    const input = benchInput(len, 1);
    const t = await timeTract(tract, m.name, '', input.slice());
    const o = await ask(ort, { type: 'bench', name: m.name, input: input.slice(), shape: m.shape, runs: RUNS }, 'bench');
    // Output order: tract follows the ONNX graph's outputs; so does onnxruntime.
    const { diff, scale } = compare(t.outputs, o.outputs);
    const r = { model: m.name, tract: stats(t.times), ort: stats(o.times), maxAbsDiff: diff, maxAbsRef: scale };
    r.reference = t.outputs;
    results.models.push(r);
    log(`${m.name}: tract ${r.tract.median.toFixed(2)} ms, ort ${r.ort.median.toFixed(2)} ms, max |diff| ${diff.toExponential(2)} (outputs up to ${scale.toFixed(2)})`);
  }
  // Variants of the shipped files (?variants=a.onnx,b.onnx served from /variants/): the
  // same input through tract and onnxruntime, outputs against the fp32 model's in tract.
  results.variants = [];
  const variants = (new URLSearchParams(location.search).get('variants') || '').split(',').filter(Boolean);
  for (const file of variants) {
    const m = MODELS.find((x) => file.startsWith(x.file.replace('.onnx', '') + '-'));
    if (!m) continue;
    const bytes = new Uint8Array(await (await fetch('/variants/' + file)).arrayBuffer());
    const input = benchInput(m.shape.reduce((a, b) => a * b, 1), 1);
    const t = await timeTract(tract, m.name, '', input.slice(), bytes.slice());
    await ask(ort, { type: 'load', models: [{ name: file, url: '/variants/' + file }] }, 'loaded');
    const o = await ask(ort, { type: 'bench', name: file, input: input.slice(), shape: m.shape, runs: RUNS }, 'bench');
    const ref = results.models.find((x) => x.model === m.name).reference;
    const { diff, scale } = compare(ref, t.outputs);
    results.variants.push({ file, model: m.name, bytes: bytes.length, tract: stats(t.times), ort: stats(o.times), maxAbsDiffVsFp32: diff, maxAbsRef: scale });
    log(`${file}: tract ${stats(t.times).median.toFixed(2)} ms, ort ${stats(o.times).median.toFixed(2)} ms, vs fp32 ${diff.toExponential(2)}`);
  }
  // The shipped files and inputs, fetched once for the knob sets and the profiles below
  // (messages copy them, nothing is transferred, so they stay usable).
  const params = new URLSearchParams(location.search);
  const sets = (params.get('knobs') || '').split(';').filter(Boolean);
  const shipped = new Map();
  if (sets.length || params.get('profile')) {
    for (const m of MODELS) {
      const bytes = new Uint8Array(await (await fetch(APP + m.file)).arrayBuffer());
      shipped.set(m.name, { bytes, input: benchInput(m.shape.reduce((a, b) => a * b, 1), 1) });
    }
  }
  // ?knobs=A=1,B=2;C=3: each set of tract knobs (conv strategy, im2col thresholds), each
  // shipped model loaded with it in the same worker; outputs against the default load's.
  results.knobs = [];
  for (const knobs of sets) {
    for (const m of MODELS) {
      const { bytes, input } = shipped.get(m.name);
      const t = await timeTract(tract, m.name, knobs, input.slice(), bytes.slice());
      const ref = results.models.find((x) => x.model === m.name).reference;
      const { diff } = compare(ref, t.outputs);
      results.knobs.push({ knobs, model: m.name, tract: stats(t.times), maxAbsDiff: diff });
      log(`${knobs} ${m.name}: tract ${stats(t.times).median.toFixed(2)} ms, vs default ${diff.toExponential(2)}`);
    }
  }
  // ?profile=1: where each model's time goes in tract wasm, per node of the optimised graph.
  if (params.get('profile')) {
    results.profiles = [];
    for (const m of MODELS) {
      const { bytes, input } = shipped.get(m.name);
      const p = (await askWorker(tract, { type: 'profile', model: m.name, runs: RUNS, knobs: '' }, [input.slice(), bytes.slice()], 'profile')).msg;
      results.profiles.push({ model: m.name, nodes: p.nodes, kinds: p.kinds });
      log(`${m.name}: profiled`);
    }
  }
  for (const r of results.models) delete r.reference;
  window.__results = results;
}
main().catch((e) => { window.__results = { error: String(e) }; log(String(e)); });
