// Shared pieces of the end-to-end tests: a static server for the built app under a
// sub-path (as on GitHub Pages), fake camera/microphone files, and Chromium.
import { crc32 } from 'node:zlib';
import { createServer } from 'node:http';
import { readFile, stat, mkdir, writeFile } from 'node:fs/promises';
import { spawnSync } from 'node:child_process';
import { join, extname, normalize } from 'node:path';
import { tmpdir } from 'node:os';
import { chromium } from 'playwright-core';

export const BASE_PATH = '/ai-interviewer/';
const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript',
  '.wasm': 'application/wasm', '.css': 'text/css', '.svg': 'image/svg+xml',
  '.webmanifest': 'application/manifest+json', '.json': 'application/json', '.onnx': 'application/octet-stream',
};

/** Serves `dir` at http://127.0.0.1:PORT/ai-interviewer/. */
export async function serve(dir, port = 0) {
  const sockets = new Set();
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, 'http://x');
    if (!url.pathname.startsWith(BASE_PATH)) { res.writeHead(404); return res.end('not found'); }
    let rel = normalize(decodeURIComponent(url.pathname.slice(BASE_PATH.length)));
    if (rel.startsWith('..')) { res.writeHead(403); return res.end(); }
    if (rel === '.' || rel === '' || rel.endsWith('/')) rel = join(rel, 'index.html');
    const file = join(dir, rel);
    try {
      if (!(await stat(file)).isFile()) throw new Error('dir');
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': TYPES[extname(file)] || 'application/octet-stream', 'cache-control': 'no-cache' });
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch {
      res.writeHead(404); res.end('not found');
    }
  });
  server.on('connection', (s) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
  await new Promise((r) => server.listen(port, '127.0.0.1', r));
  const { port: actual } = server.address();
  return {
    origin: `http://127.0.0.1:${actual}`,
    url: `http://127.0.0.1:${actual}${BASE_PATH}`,
    port: actual,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}

/** A Y4M clip Chromium loops as the fake camera: a lit face-like shape drifting over a gradient. */
export async function makeY4m(path, { w = 320, h = 240, fps = 15, seconds = 2 } = {}) {
  const frames = fps * seconds;
  const header = Buffer.from(`YUV4MPEG2 W${w} H${h} F${fps}:1 Ip A1:1 C420jpeg\n`);
  const parts = [header];
  for (let f = 0; f < frames; f++) {
    const y = Buffer.alloc(w * h);
    const cx = w / 2 + Math.sin((f / frames) * 2 * Math.PI) * 20, cy = h / 2;
    for (let j = 0; j < h; j++) for (let i = 0; i < w; i++) {
      const dx = (i - cx) / 60, dy = (j - cy) / 80;
      y[j * w + i] = dx * dx + dy * dy < 1 ? 200 : 40 + ((i + j + f * 3) % 60);
    }
    parts.push(Buffer.from('FRAME\n'), y, Buffer.alloc((w / 2) * (h / 2), 128), Buffer.alloc((w / 2) * (h / 2), 128));
  }
  await writeFile(path, Buffer.concat(parts));
}

/** A spoken answer for the fake microphone, from espeak-ng. */
export function makeWav(path, text) {
  const r = spawnSync('espeak-ng', ['-s', '150', '-w', path, text]);
  if (r.status !== 0) throw new Error(`espeak-ng failed: ${r.stderr}`);
}

export async function fixtures() {
  const dir = join(tmpdir(), 'ai-interviewer-e2e');
  await mkdir(dir, { recursive: true });
  // A real face (scikit-image's astronaut, made by `face-clip` in scripts/test.sh) when
  // given; otherwise a synthetic clip with no face.
  const video = process.env.E2E_FACE_Y4M || join(dir, 'face.y4m');
  const audio = join(dir, 'answer.wav');
  if (!process.env.E2E_FACE_Y4M) await makeY4m(video);
  makeWav(audio, 'I led a small team that rebuilt our billing system. We shipped it in three months, and errors fell by half.');
  return { video, audio };
}

export async function launch({ video, audio }) {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox', '--disable-dev-shm-usage',
      '--use-fake-device-for-media-stream',
      `--use-file-for-fake-video-capture=${video}`,
      `--use-file-for-fake-audio-capture=${audio}`,
      '--autoplay-policy=no-user-gesture-required',
    ],
  });
}

export const SHOTS = process.env.E2E_SCREENSHOTS || 'test-results/screenshots';
export async function shot(page, name) {
  await mkdir(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

/**
 * An export file in the documented layout (crates/core/src/export.rs): 16-byte magic,
 * header length (u64 LE), JSON header, then every recording chunk back to back; version 2
 * (`{ version: 2 }`) adds the header's CRC-32 after it and each chunk's `crc32`.
 * `items`: [{ record, chunks: [Buffer] }]. Written independently of the app's Rust code,
 * so importing it also checks that the format is what the documentation says.
 */
export function exportFile(items, { withRecordings = true, exportedMs = Date.now(), version = 1 } = {}) {
  let offset = 0;
  const data = [];
  const interviews = items.map(({ record, chunks = [] }) => ({
    record: withRecordings ? { ...record, chunk_count: chunks.length, bytes: chunks.reduce((n, c) => n + c.length, 0) }
      : { ...record, chunk_count: 0, bytes: 0 },
    chunks: withRecordings ? chunks.map((c, seq) => {
      const entry = { seq, t_ms: 1000 * (seq + 1), offset, size: c.length };
      if (version >= 2) entry.crc32 = crc32(c);
      offset += c.length;
      data.push(c);
      return entry;
    }) : [],
  }));
  const header = Buffer.from(JSON.stringify({
    format: 'ai-interviewer-export', version, exported_ms: exportedMs, with_recordings: withRecordings, interviews,
  }));
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(header.length));
  // Version 2: the header's CRC-32 follows it.
  const sum = Buffer.alloc(version >= 2 ? 4 : 0);
  if (version >= 2) sum.writeUInt32LE(crc32(header));
  return Buffer.concat([Buffer.from('AI-INTERVIEWER\n\0', 'latin1'), len, header, sum, ...data]);
}

/**
 * The built app (E2E_DIST) served and Chromium launched around a test file's tests:
 * registers node:test's before/after hooks; the returned object's `server` and `browser`
 * are set once the hook has run.
 */
export function appUnderTest(before, after, { audio } = {}) {
  const env = { server: null, browser: null, media: null };
  before(async () => {
    env.media = await fixtures();
    // A test file may give the fake microphone its own sound (a path, or a function
    // that makes the file and returns its path).
    if (audio) env.media.audio = typeof audio === 'function' ? await audio() : audio;
    env.server = await serve(process.env.E2E_DIST || 'dist');
    env.browser = await launch(env.media);
  });
  after(async () => {
    await env.browser?.close();
    await env.server?.close();
  });
  return env;
}

/**
 * The number of rows with `testId` once it has settled on `expected` (lists are read again
 * after an import or delete finishes, a moment after its message shows), or what it is after
 * `timeout` ms, for the assertion to report.
 */
export async function countOf(page, testId, expected, timeout = 10000) {
  const end = Date.now() + timeout;
  for (;;) {
    const n = await page.getByTestId(testId).count();
    if (n === expected || Date.now() > end) return n;
    await page.waitForTimeout(50);
  }
}
