// Times each kernel over the same packed operands: a 64 x 480 x 576 product, the shape of
// the emotion model's second 3x3 convolution (64 filters of 64 x 3 x 3 on 22 x 22).
import { readFileSync } from 'node:fs';

const { instance } = await WebAssembly.instantiate(readFileSync(process.argv[2]), { env: { now: () => performance.now() } });
const e = instance.exports;
e.init();
const names = ['8x8, A broadcast by shuffle (tract 0.23\'s wasm GEMM kernel)', '4x8, shuffle', '6x8, load-splat', '4x16, load-splat',
  '2x16, load-splat', '3x16, load-splat', '8x4, load-splat', '4x8, load-splat'];
const macs = 64 * 480 * 576;
const best = names.map(() => Infinity);
for (let round = 0; round < 3; round++) names.forEach((_, v) => { best[v] = Math.min(best[v], e.bench(v, 30)); });
console.log('| kernel (rows x columns of the tile) | ms per product | GMAC/s |\n|---|---|---|');
names.forEach((n, v) => console.log(`| ${n} | ${best[v].toFixed(3)} | ${(macs / best[v] / 1e6).toFixed(1)} |`));
