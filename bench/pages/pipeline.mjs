// The whole per-frame face pipeline on the fake camera's clip, one frame after another:
// ?engine=ours (the app's worker at the app's rates), ours-full (emotion and both irises
// every frame), human (@vladmandic/human 3.3, tfjs wasm backend: face detector, mesh,
// iris, emotion) or faceapi (@vladmandic/face-api 1.7, tfjs wasm: tiny detector and
// expressions). Milliseconds per frame from grabbing the frame to having the result.
// Results in window.__results.
import { askWorker, stats } from '../input.mjs';

const q = new URLSearchParams(location.search);
const ENGINE = q.get('engine') || 'ours';
const FRAMES = Number(q.get('frames') || 200);
const WARMUP = 20;
const NM = '/bench/node_modules/';
const log = (s) => { document.getElementById('log').textContent += `\n${s}`; };

async function camera() {
  const v = document.getElementById('v');
  v.srcObject = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480 }, audio: false });
  await v.play();
  while (v.readyState < 2) await new Promise((r) => setTimeout(r, 20));
  return v;
}

/** The app's inference worker; returns (video) => Promise<{ms, stages, face}>. */
async function ours(full) {
  const t0 = performance.now();
  const w = new Worker('/ai-interviewer/vision-worker_loader.js');
  const ready = (await askWorker(w, null, null, 'ready')).msg;
  const initMs = performance.now() - t0;
  if (full) w.postMessage({ msg: { type: 'rates', emotion_every_ms: 0, both_irises: true }, data: [] });
  const step = async (v) => {
    const t = performance.now();
    const bitmap = await createImageBitmap(v);
    const res = (await askWorker(w, { type: 'frame', t_ms: t }, [bitmap], 'frame', [bitmap])).msg.result;
    return { ms: performance.now() - t, stages: res.times, face: !!res.face, emotion: !!res.face?.expression };
  };
  return { step, initMs, info: `tract wasm worker (ready in ${ready.ms.toFixed(0)} ms)` };
}

async function human() {
  const { default: Human } = await import(NM + '@vladmandic/human/dist/human.esm.js');
  const t0 = performance.now();
  const h = new Human({
    backend: 'wasm',
    wasmPath: NM + '@tensorflow/tfjs-backend-wasm/dist/',
    modelBasePath: NM + '@vladmandic/human/models/',
    async: true, warmup: 'none', cacheSensitivity: 0, filter: { enabled: false },
    face: {
      enabled: true,
      detector: { enabled: true, rotation: false, maxDetected: 1 },
      mesh: { enabled: true }, iris: { enabled: true }, emotion: { enabled: true },
      description: { enabled: false }, antispoof: { enabled: false }, liveness: { enabled: false },
    },
    body: { enabled: false }, hand: { enabled: false }, object: { enabled: false },
    gesture: { enabled: false }, segmentation: { enabled: false },
  });
  await h.load();
  await h.warmup();
  const initMs = performance.now() - t0;
  const step = async (v) => {
    const t = performance.now();
    const r = await h.detect(v);
    return { ms: performance.now() - t, face: r.face.length > 0, emotion: !!r.face[0]?.emotion?.length };
  };
  return { step, initMs, info: `human ${h.version}, tfjs ${h.tf.version_core} backend ${h.tf.getBackend()}` };
}

async function faceapi() {
  const api = await import(NM + '@vladmandic/face-api/dist/face-api.esm.js');
  const t0 = performance.now();
  const tf = api.tf;
  const setPaths = tf.setWasmPaths || tf.wasm?.setWasmPaths;
  if (!setPaths) throw new Error('face-api bundle has no wasm backend: ' + Object.keys(tf).filter((k) => /wasm/i.test(k)));
  setPaths(NM + '@tensorflow/tfjs-backend-wasm/dist/');
  await tf.setBackend('wasm');
  await tf.ready();
  const base = NM + '@vladmandic/face-api/model/';
  await api.nets.tinyFaceDetector.loadFromUri(base);
  await api.nets.faceExpressionNet.loadFromUri(base);
  const opts = new api.TinyFaceDetectorOptions({ inputSize: 416, scoreThreshold: 0.5 });
  const initMs = performance.now() - t0;
  const step = async (v) => {
    const t = performance.now();
    const r = await api.detectSingleFace(v, opts).withFaceExpressions();
    return { ms: performance.now() - t, face: !!r, emotion: !!r?.expressions };
  };
  return { step, initMs, info: `face-api ${api.version}, tfjs ${tf.version_core} backend ${tf.getBackend()}` };
}

async function main() {
  const v = await camera();
  const engine = ENGINE === 'human' ? await human() : ENGINE === 'faceapi' ? await faceapi() : await ours(ENGINE === 'ours-full');
  log(`${ENGINE}: ${engine.info}; init ${engine.initMs.toFixed(0)} ms`);
  for (let i = 0; i < WARMUP; i++) await engine.step(v);
  const times = [], stages = [];
  let faces = 0, emotions = 0;
  const t0 = performance.now();
  for (let i = 0; i < FRAMES; i++) {
    const r = await engine.step(v);
    times.push(r.ms);
    if (r.stages) stages.push(r.stages);
    faces += r.face ? 1 : 0;
    emotions += r.emotion ? 1 : 0;
  }
  const wall = performance.now() - t0;
  const s = stats(times);
  const stage = (k) => stages.length ? stats(stages.map((x) => x[k]).filter((x) => x > 0)).median ?? 0 : null;
  window.__results = {
    engine: ENGINE, info: engine.info, initMs: engine.initMs, frame: s, fps: FRAMES / (wall / 1000),
    faceShare: faces / FRAMES, emotionShare: emotions / FRAMES,
    stages: stages.length ? { detect: stage('detect'), mesh: stage('mesh'), iris: stage('iris'), emotion: stage('emotion'), total: stage('total') } : null,
  };
  log(JSON.stringify(window.__results));
}
main().catch((e) => { window.__results = { engine: ENGINE, error: String(e.stack || e) }; log(String(e.stack || e)); });
