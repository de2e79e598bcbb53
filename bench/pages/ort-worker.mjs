// onnxruntime-web (wasm backend, one thread, SIMD) in a worker, as the app runs tract:
// in `{type: "load", models: [{name, url}]}` -> out `{type: "loaded", ms: {name: ms}}`;
// in `{type: "bench", name, input, shape, runs}` -> out `{type: "bench", times, outputs}`.
import * as ort from '/bench/node_modules/onnxruntime-web/dist/ort.wasm.min.mjs';

ort.env.wasm.numThreads = 1;
ort.env.wasm.wasmPaths = '/bench/node_modules/onnxruntime-web/dist/';
const sessions = {};

onmessage = async (e) => {
  const m = e.data;
  try {
    if (m.type === 'load') {
      const ms = {};
      for (const { name, url } of m.models) {
        const bytes = new Uint8Array(await (await fetch(url)).arrayBuffer());
        const t = performance.now();
        sessions[name] = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
        ms[name] = performance.now() - t;
      }
      postMessage({ type: 'loaded', ms, version: ort.env.versions?.web || ort.version || '' });
    } else if (m.type === 'bench') {
      const s = sessions[m.name];
      const feeds = { [s.inputNames[0]]: new ort.Tensor('float32', m.input, m.shape) };
      let out;
      for (let i = 0; i < 10; i++) out = await s.run(feeds);
      const times = [];
      for (let i = 0; i < m.runs; i++) {
        const t = performance.now();
        await s.run(feeds);
        times.push(performance.now() - t);
      }
      postMessage({ type: 'bench', times, outputs: s.outputNames.map((n) => out[n].data) });
    }
  } catch (err) {
    postMessage({ type: 'error', message: String(err) });
  }
};
