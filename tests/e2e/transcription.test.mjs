// End-to-end: on-device speech recognition (the app's own Whisper tiny.en, in a worker)
// with no Web Speech anywhere (headless Chromium has none). The fake microphone speaks a
// known espeak-ng answer with two repeated phrases, once, 4 s after the capture opens, then
// stays silent for a minute; the report must show its transcript, close to the words
// spoken, with the repetitions found. Then a stored interview without a transcript is
// transcribed from its recording by "Transcribe now".
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { appUnderTest, shot } from './harness.mjs';

const SPOKEN = 'So my role was, my role was to lead the migration, and I think, I think we finished two weeks early.';
const dir = join(tmpdir(), 'ai-interviewer-e2e');
const env = appUnderTest(before, after, {
  audio: () => {
    const speech = join(dir, 'answer-repeats.wav');
    const path = join(dir, 'answer-repeats-padded.wav');
    const e = spawnSync('espeak-ng', ['-v', 'en-us', '-s', '150', '-w', speech, SPOKEN]);
    if (e.status !== 0) throw new Error(`espeak-ng failed: ${e.stderr}`);
    const s = spawnSync('sox', [speech, '-r', '48000', path, 'pad', '4', '50']);
    if (s.status !== 0) throw new Error(`sox failed: ${s.stderr}`);
    return path;
  },
});

/** Word error rate (lowercase, punctuation stripped). */
function wer(ref, hyp) {
  const words = (t) => t.toLowerCase().replace(/[^a-z0-9' ]/g, ' ').split(/\s+/).filter(Boolean);
  const r = words(ref), h = words(hyp);
  let prev = Array.from({ length: h.length + 1 }, (_, j) => j);
  for (let i = 0; i < r.length; i++) {
    const cur = [i + 1];
    for (let j = 0; j < h.length; j++) cur.push(Math.min(prev[j] + (r[i] === h[j] ? 0 : 1), prev[j + 1] + 1, cur[j] + 1));
    prev = cur;
  }
  return prev[h.length] / r.length;
}

async function newPage() {
  const context = await env.browser.newContext({ viewport: { width: 1200, height: 900 } });
  await context.grantPermissions(['camera', 'microphone'], { origin: env.server.origin });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('dialog', (d) => d.accept());
  return { context, page, errors };
}

test('answers are transcribed on the device, in a worker, with no speech service', async () => {
  const { context, page, errors } = await newPage();
  await page.goto(env.server.url);
  await page.getByTestId('start').waitFor();
  // The speech model is fetched only after the user turns transcription on.
  const fetched = [];
  context.on('request', (r) => { if (/whisper/.test(r.url())) fetched.push(r.url()); });
  await page.getByTestId('count').selectOption('1');
  await page.getByTestId('limit').selectOption('30');
  await page.getByTestId('start').click();
  await page.getByTestId('media-ready').waitFor({ timeout: 15000 });
  assert.deepEqual(fetched, []);
  await page.getByTestId('transcribe-on-device').check();
  // The interview starts at once (the model loads meanwhile): the answer must hold the
  // whole sentence, spoken 4 s after the capture opened.
  await page.getByTestId('begin').click();
  await page.getByTestId('question').waitFor();
  await page.waitForTimeout(14000);
  await page.getByTestId('next').click();
  await page.getByTestId('summary').waitFor({ timeout: 30000 });
  assert.equal(new Set(fetched).size, 3, `model files fetched: ${fetched.join(' ')}`);
  assert.match(await page.getByTestId('transcript-mode').innerText(), /this app's on-device speech recognition/);
  // The report fills in when the transcript arrives.
  await page.getByTestId('transcript-source-0').waitFor({ timeout: 240000 });
  await shot(page, '30-report-transcribed');
  const said = await page.getByTestId('transcript-0').locator('p.said').innerText();
  const w = wer(SPOKEN, said);
  console.log(`# transcript: "${said}" (WER ${(100 * w).toFixed(0)}%)`);
  assert.ok(w <= 0.2, `WER ${(100 * w).toFixed(0)}%: "${said}"`);
  assert.match(await page.getByTestId('transcript-source-0').innerText(), /on this device/);
  const figures = await page.getByTestId('text-figures-0').innerText();
  const reps = Number((figures.match(/(\d+) repetitions?/) || [])[1]);
  assert.ok(reps >= 1, `repetitions found: ${figures}`);
  // A highlighted repetition seeks the recording to where it was said (its word time).
  const mark = page.getByTestId('transcript-0').locator('mark.hl-repeat').first();
  await mark.click();
  const t = await page.getByTestId('playback').evaluate((v) => v.currentTime);
  assert.ok(t > 2 && t < 12, `seeked to ${t} s`);
  assert.deepEqual(errors, []);
  await context.close();
});

test('an interview without a transcript is transcribed from its recording on request', async () => {
  const { context, page, errors } = await newPage();
  await page.goto(env.server.url);
  await page.getByTestId('start').waitFor();
  await page.getByTestId('count').selectOption('1');
  await page.getByTestId('limit').selectOption('30');
  await page.getByTestId('start').click();
  await page.getByTestId('media-ready').waitFor({ timeout: 15000 });
  // Transcription off (the previous test's setting is in another context).
  assert.equal(await page.getByTestId('transcribe-on-device').isChecked(), false);
  await page.getByTestId('begin').click();
  await page.getByTestId('question').waitFor();
  await page.waitForTimeout(14000);
  await page.getByTestId('next').click();
  await page.getByTestId('summary').waitFor({ timeout: 30000 });
  assert.equal(await page.getByTestId('transcript-source-0').count(), 0);
  await page.getByTestId('transcribe-now').click();
  await page.getByTestId('transcript-source-0').waitFor({ timeout: 240000 });
  const said = await page.getByTestId('transcript-0').locator('p.said').innerText();
  const w = wer(SPOKEN, said);
  console.log(`# transcribed from the recording: "${said}" (WER ${(100 * w).toFixed(0)}%)`);
  assert.ok(w <= 0.2, `WER ${(100 * w).toFixed(0)}%: "${said}"`);
  // It stays after a reload.
  await page.reload();
  await page.getByTestId('transcript-source-0').waitFor({ timeout: 15000 });
  assert.deepEqual(errors, []);
  await context.close();
});
