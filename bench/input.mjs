// Shared by the benchmark pages. The input, identical to interviewer_vision::bench::input (xorshift32): the
// same numbers go to tract and to onnxruntime-web.
export function benchInput(len, seed) {
  let x = Math.max(seed, 1) >>> 0;
  const out = new Float32Array(len);
  for (let i = 0; i < len; i++) {
    x = (x ^ (x << 13)) >>> 0;
    x = (x ^ (x >>> 17)) >>> 0;
    x = (x ^ (x << 5)) >>> 0;
    out[i] = (x >>> 8) / 2 ** 24;
  }
  return out;
}

/** Median, 95th percentile and mean of a set of timings (ms). */
export function stats(times) {
  const v = [...times].sort((a, b) => a - b);
  const at = (p) => v[Math.round((v.length - 1) * p)];
  return { median: at(0.5), p95: at(0.95), mean: v.reduce((a, b) => a + b, 0) / v.length, runs: v.length };
}

/**
 * The app's workers speak `interviewer_core::messages` in an envelope `{msg, data}`:
 * `msg` tagged by `type`, `data` the large things beside it (frames, audio, model bytes).
 * Sends `msg` with `data` and resolves with `{msg, data}` of the first reply whose type is
 * `want`; a reply of type error/failed/frame_error rejects.
 */
export function askWorker(worker, msg, data, want, transfer = []) {
  return new Promise((resolve, reject) => {
    const on = (e) => {
      const m = e.data && e.data.msg;
      if (!m) return;
      if (m.type === want) { worker.removeEventListener('message', on); resolve({ msg: m, data: e.data.data || [] }); }
      else if (/error|failed/.test(m.type)) { worker.removeEventListener('message', on); reject(new Error(m.message)); }
    };
    worker.addEventListener('message', on);
    if (msg) worker.postMessage({ msg, data: data || [] }, transfer);
  });
}

/** The shipped models of one worker, from the one table (served by bench/run.mjs at /models/). */
export async function shippedModels(worker = 'vision') {
  const table = await (await fetch('/models/models.json')).json();
  return table.models
    .filter((m) => m.worker === worker)
    .map((m) => ({ name: m.name, file: m.path.split('/').pop(), shape: m.input, bytes: m.bytes }));
}
