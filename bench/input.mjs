// The benchmark input, identical to interviewer_vision::bench::input (xorshift32): the
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
