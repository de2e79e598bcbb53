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
