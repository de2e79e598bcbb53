// End-to-end: how an interview is recorded. The fake microphone plays a short beep every
// 2 s, so that every beep can be found twice: in the recording (decoded in the page) and
// in the speech analysis of the answer it fell in (its pauses, timed from the answer's
// start). Both must agree: the question times, the analysis and the recording share one
// time origin. Also: a second tab never offers to "recover" an interview another tab is
// still recording; the report's video rests on a frame of the candidate, not a dark one,
// and keeps its position when a transcript is saved.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { appUnderTest, shot } from './harness.mjs';

const BEEP_PERIOD_S = 2;
const env = appUnderTest(before, after, {
  audio: () => {
    const path = join(tmpdir(), 'ai-interviewer-e2e', 'beeps.wav');
    // 150 ms of 1 kHz, then silence, every 2 s, for a minute (the fake device loops it).
    const r = spawnSync('sox', ['-n', '-r', '48000', '-c', '1', '-b', '16', path,
      'synth', '0.15', 'sine', '1000', 'vol', '0.5', 'pad', '0', `${BEEP_PERIOD_S - 0.15}`, 'repeat', '29']);
    if (r.status !== 0) throw new Error(`sox failed: ${r.stderr}`);
    return path;
  },
});

async function newPage(context) {
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('dialog', (d) => d.accept());
  return { page, errors };
}

async function newContext() {
  const context = await env.browser.newContext({ viewport: { width: 1200, height: 850 } });
  await context.grantPermissions(['camera', 'microphone'], { origin: env.server.origin });
  return context;
}

async function begin(page, count = '2') {
  await page.goto(env.server.url);
  await page.getByTestId('start').waitFor();
  await page.getByTestId('count').selectOption(count);
  await page.getByTestId('limit').selectOption('60');
  await page.getByTestId('start').click();
  await page.getByTestId('media-ready').waitFor({ timeout: 15000 });
  await page.getByTestId('begin').click();
  await page.getByTestId('question').waitFor();
  await page.getByTestId('progress').waitFor();
}

/** The stored record of the report on screen: head, answer rows, chunk timings. */
async function storedRecord(page) {
  const id = decodeURIComponent(new URL(page.url()).hash.split('/').pop());
  return page.evaluate(async (id) => {
    const db = await new Promise((res, rej) => {
      const r = indexedDB.open('ai-interviewer');
      r.onsuccess = () => res(r.result); r.onerror = () => rej(r.error);
    });
    const req = (r) => new Promise((res, rej) => { r.onsuccess = () => res(r.result); r.onerror = () => rej(r.error); });
    const tx = db.transaction(['interviews', 'answers']);
    const head = await req(tx.objectStore('interviews').get(id));
    const answers = await req(tx.objectStore('answers').getAll(IDBKeyRange.bound([id, 0], [id, Infinity])));
    db.close();
    return { head, answers: answers.map((a) => a.data) };
  }, id);
}

test('question times, the speech analysis and the recording share one time origin', async () => {
  const context = await newContext();
  // Beeps are not speech to the voice-activity model: without it (its download fails,
  // so the worker falls back, as it must) the loudness threshold hears each beep, and
  // its end marks the time line. The report says which detector ran.
  await context.route('**/silero_vad_16k_sequence.onnx', (r) => r.abort());
  const { page, errors } = await newPage(context);
  await begin(page);
  await page.waitForTimeout(7000);
  await page.getByTestId('next').click();
  await page.waitForTimeout(7000);
  await page.getByTestId('next').click();
  await page.getByTestId('summary').waitFor({ timeout: 30000 });
  await page.getByTestId('speech-summary').waitFor({ timeout: 30000 });
  assert.match(await page.getByTestId('speech-method').innerText(), /loudness threshold \(the voice-activity model was not loaded\)/);
  const { head, answers } = await storedRecord(page);
  assert.equal(head.spans.length, 2);
  assert.equal(answers.filter((a) => a.speech).length, 2, 'both answers analysed');
  // Where each beep ends in the recording itself (its audio decoded in the page).
  const ends = await page.evaluate(async (id) => {
    // The recording's chunks straight from IndexedDB (the page's CSP blocks fetching blob: URLs).
    const db = await new Promise((res, rej) => {
      const r = indexedDB.open('ai-interviewer');
      r.onsuccess = () => res(r.result); r.onerror = () => rej(r.error);
    });
    const chunks = await new Promise((res, rej) => {
      const r = db.transaction('chunks').objectStore('chunks').getAll(IDBKeyRange.bound([id, 0], [id, Infinity]));
      r.onsuccess = () => res(r.result); r.onerror = () => rej(r.error);
    });
    db.close();
    const buf = await new Blob(chunks.map((c) => c.blob)).arrayBuffer();
    const ctx = new OfflineAudioContext(1, 16000, 16000);
    const audio = await ctx.decodeAudioData(buf);
    const x = audio.getChannelData(0);
    const hop = Math.round(audio.sampleRate / 200); // 5 ms
    const loud = [];
    for (let i = 0; i + hop <= x.length; i += hop) {
      let e = 0;
      for (let k = i; k < i + hop; k++) e += x[k] * x[k];
      loud.push(Math.sqrt(e / hop) > 0.02);
    }
    const out = [];
    for (let i = 1; i < loud.length; i++) if (loud[i - 1] && !loud[i]) out.push((i * hop * 1000) / audio.sampleRate);
    return out;
  }, head.id);
  assert.ok(ends.length >= 5, `${ends.length} beeps found in the recording`);
  // Where the analysis heard each beep end: the start of a pause, on the recording's
  // time line through the answer's start.
  const offsets = [];
  for (const a of answers) {
    const span = head.spans[a.index];
    for (const p of a.speech.pauses) {
      const t = span.start_ms + p.start_ms;
      const nearest = ends.reduce((b, e) => (Math.abs(e - t) < Math.abs(b - t) ? e : b), Infinity);
      offsets.push(t - nearest);
    }
  }
  console.log(`# beep ends, analysis minus recording (ms): ${offsets.map((o) => o.toFixed(0)).join(' ')}`);
  assert.ok(offsets.length >= 4, `${offsets.length} pauses heard`);
  for (const o of offsets) assert.ok(Math.abs(o) <= 100, `a beep lands ${o.toFixed(0)} ms off`);
  // Speaking time never exceeds the answer, and the recording is as long as its record says.
  for (const a of answers) {
    const span = head.spans[a.index];
    assert.ok(a.speech.duration_ms <= span.end_ms - span.start_ms + 100, `answer ${a.index} audio ${a.speech.duration_ms} ms`);
  }
  // Each chunk's save was measured (the benchmark watches these over 10 minutes): one a
  // second of recording.
  const saves = await page.evaluate(() => performance.getEntriesByName('chunk-save').length);
  assert.ok(saves >= 10, `${saves} chunk saves measured`);
  assert.deepEqual(errors.filter((e) => !/silero_vad|ERR_FAILED/.test(e)), []);
  await context.close();
});

test('the paused report video shows the candidate and keeps its place when a transcript is saved', async () => {
  const context = await newContext();
  const { page, errors } = await newPage(context);
  await begin(page, '1');
  await page.waitForTimeout(5000);
  await page.getByTestId('next').click();
  await page.getByTestId('summary').waitFor({ timeout: 30000 });
  const video = page.getByTestId('playback');
  await video.waitFor();
  // It rests at the first answer's start once its duration is known, showing a frame.
  const rest = await video.evaluate((v) => new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`not ready: ${v.duration} ${v.readyState}`)), 15000);
    const check = () => {
      if (Number.isFinite(v.duration) && v.readyState >= 2 && !v.seeking) { clearTimeout(t); resolve(v.currentTime); }
      else setTimeout(check, 100);
    };
    check();
  }));
  const { head } = await storedRecord(page);
  assert.ok(Math.abs(rest - head.spans[0].start_ms / 1000) < 0.05, `rests at ${rest} s`);
  const luma = await video.evaluate((v) => {
    const c = document.createElement('canvas');
    c.width = 64; c.height = 48;
    const g = c.getContext('2d');
    g.drawImage(v, 0, 0, 64, 48);
    const d = g.getImageData(0, 0, 64, 48).data;
    let s = 0;
    for (let i = 0; i < d.length; i += 4) s += 0.299 * d[i] + 0.587 * d[i + 1] + 0.114 * d[i + 2];
    return s / (d.length / 4);
  });
  assert.ok(luma > 30, `the paused frame is dark (mean luma ${luma.toFixed(0)})`);
  await shot(page, '20-report-rest-frame');
  // Move to 2 s, pause, correct the transcript: the video stays where it was.
  await video.evaluate(async (v) => { v.currentTime = 2; await new Promise((r) => { v.onseeked = r; }); v.pause(); });
  await page.getByTestId('transcript-edit-0').click();
  await page.getByTestId('transcript-editor-0').fill('So I I led the, um, billing team.');
  await page.getByTestId('transcript-save-0').click();
  await page.getByTestId('text-figures-0').waitFor();
  const t = await video.evaluate((v) => v.currentTime);
  assert.ok(Math.abs(t - 2) < 0.05, `the video moved to ${t} s`);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a second tab never offers to recover an interview that is still recording', async () => {
  const context = await newContext();
  const a = await newPage(context);
  await begin(a.page, '3');
  await a.page.waitForTimeout(3000);
  const b = await newPage(context);
  await b.page.goto(env.server.url);
  await b.page.getByTestId('start').waitFor();
  await b.page.waitForTimeout(2000);
  assert.equal(await b.page.getByTestId('recover-banner').count(), 0, 'offered while tab A records');
  await shot(b.page, '21-second-tab');
  // Tab A is closed mid-interview: now the second tab offers to recover it.
  await a.page.close();
  await b.page.reload();
  await b.page.getByTestId('recover-banner').waitFor({ timeout: 15000 });
  await context.close();
});
