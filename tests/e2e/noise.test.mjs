// End-to-end: an answer spoken in a noisy room (issue 19). The fake microphone plays an
// espeak-ng answer with long pauses, mixed by sox with loud white noise (louder than the
// voice: the browser's own noise suppression, which the app asks for, takes most of it
// away, and what is left is still about 5 dB below the speech). The speech worker's
// voice-activity model (Silero VAD) decides speech from silence; the report says which
// detector ran, warns that the background was noisy, and withholds the audio-only pace
// when the noise is too high to trust it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { appUnderTest, shot } from './harness.mjs';

function run(cmd, args) {
  const r = spawnSync(cmd, args);
  if (r.status !== 0) throw new Error(`${cmd} failed: ${r.stderr}`);
  return r;
}

const env = appUnderTest(before, after, {
  audio: () => {
    const dir = join(tmpdir(), 'ai-interviewer-e2e');
    const speech = join(dir, 'noise-speech.wav');
    const speech48 = join(dir, 'noise-speech48.wav');
    const pink = join(dir, 'noise-pink.wav');
    const mixed = join(dir, 'noisy-answer.wav');
    // "[[ ]]" is not a pause: the sentences are spoken separately with 2 s of silence.
    run('espeak-ng', ['-v', 'en-us', '-s', '150', '-w', speech,
      'I led the billing team for two years, and we moved every invoice to a new system.']);
    run('sox', [speech, '-r', '48000', '-c', '1', '-b', '16', speech48, 'pad', '0.5', '2.5', 'repeat', '1']);
    const len = run('soxi', ['-D', speech48]).stdout.toString().trim();
    // Louder than the speech before the browser's noise suppression; the app measures
    // what is left (the report's "dB above the background").
    run('sox', ['-n', '-r', '48000', '-c', '1', '-b', '16', pink, 'synth', len, 'whitenoise', 'vol', '0.7']);
    run('sox', ['-m', speech48, pink, mixed]);
    return mixed;
  },
});

test('a noisy answer: Silero VAD decides, the report warns and withholds the audio pace', async () => {
  const context = await env.browser.newContext({ viewport: { width: 1200, height: 900 } });
  await context.grantPermissions(['camera', 'microphone'], { origin: env.server.origin });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(env.server.url);
  await page.getByTestId('start').waitFor();
  await page.getByTestId('count').selectOption('1');
  await page.getByTestId('limit').selectOption('60');
  await page.getByTestId('start').click();
  await page.getByTestId('media-ready').waitFor({ timeout: 15000 });
  await page.getByTestId('begin').click();
  await page.getByTestId('question').waitFor();
  await page.waitForTimeout(12000);
  await page.getByTestId('next').click();
  await page.getByTestId('speech-summary').waitFor({ timeout: 60000 });
  const method = await page.getByTestId('speech-method').innerText();
  assert.match(method, /voice-activity model \(Silero VAD/, method);
  const warning = await page.getByTestId('noise-warning').innerText();
  assert.match(warning, /Background noise high in 1 of 1 answers/);
  const answer = await page.getByTestId('answer-speech').innerText();
  const snr = Number(answer.match(/speech (-?\d+) dB above the background/)?.[1]);
  assert.ok(snr < 10, `speech ${snr} dB above the noise: ${answer}`);
  if (snr < 7.5) {
    assert.match(answer, /pace not shown \(background noise\)/);
    assert.equal(await page.getByTestId('pace').innerText(), '–');
    assert.match(await page.getByTestId('pace-withheld').innerText(), /Not counted for 1 answer: background noise high/);
  }
  assert.match(await page.getByTestId('advice-0').innerText(), /Background noise was high in this answer/);
  await shot(page, '40-report-noisy-answer');
  assert.deepEqual(errors, []);
  await context.close();
});
