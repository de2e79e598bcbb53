// End-to-end: the report, replay, history and export/import, from a stored interview
// fixture (imported through the app's own Import) with a real WebM recording.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { appUnderTest, shot, exportFile, countOf, SHOTS } from './harness.mjs';
import { fixtureRecord, expectedFigures } from './fixtures/interview.mjs';

const env = appUnderTest(before, after);

async function newPage() {
  const context = await env.browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('dialog', (d) => d.accept());
  return { context, page, errors };
}

/** An 8 s WebM recorded in the page from an animated canvas, as chunks of about 1 s. */
async function recordWebm(page, ms = 8000) {
  const parts = await page.evaluate(async (ms) => {
    const c = document.createElement('canvas');
    c.width = 320; c.height = 240;
    const g = c.getContext('2d');
    let f = 0;
    const draw = () => {
      g.fillStyle = `hsl(${(f * 9) % 360} 55% 45%)`; g.fillRect(0, 0, 320, 240);
      g.fillStyle = '#fff'; g.font = '48px sans-serif'; g.fillText(`${(f / 15).toFixed(1)} s`, 70, 140); f++;
    };
    draw();
    const iv = setInterval(draw, 1000 / 15);
    const rec = new MediaRecorder(c.captureStream(15), { mimeType: 'video/webm' });
    const chunks = [];
    rec.ondataavailable = (e) => { if (e.data.size) chunks.push(e.data); };
    const stopped = new Promise((r) => { rec.onstop = r; });
    rec.start(1000);
    await new Promise((r) => setTimeout(r, ms));
    rec.stop();
    await stopped;
    clearInterval(iv);
    return Promise.all(chunks.map(async (b) => Array.from(new Uint8Array(await b.arrayBuffer()))));
  }, ms);
  return parts.map((p) => Buffer.from(p));
}

/** The stored record and its recording bytes, read straight from IndexedDB. */
async function stored(page, id) {
  return page.evaluate(async (id) => {
    const db = await new Promise((res, rej) => {
      const r = indexedDB.open('ai-interviewer');
      r.onsuccess = () => res(r.result); r.onerror = () => rej(r.error);
    });
    const req = (r) => new Promise((res, rej) => { r.onsuccess = () => res(r.result); r.onerror = () => rej(r.error); });
    const tx = db.transaction(['interviews', 'chunks']);
    const record = await req(tx.objectStore('interviews').get(id));
    const chunks = await req(tx.objectStore('chunks').getAll(IDBKeyRange.bound([id, 0], [id, Infinity])));
    const count = await req(tx.objectStore('interviews').count());
    const bytes = [];
    for (const c of chunks) bytes.push(Array.from(new Uint8Array(await c.blob.arrayBuffer())));
    db.close();
    return { record, chunks: chunks.map((c) => ({ seq: c.seq, tMs: c.tMs, size: c.size })), bytes, count };
  }, id);
}

async function importFile(page, name, buffer) {
  await page.getByTestId('import-file').setInputFiles({ name, mimeType: 'application/octet-stream', buffer });
  // Every message names its file: one import's message is never read as the next one's.
  const msg = page.getByTestId('import-message').filter({ hasText: name });
  await msg.waitFor({ timeout: 15000 });
  return msg.innerText();
}

async function videoTime(page) {
  return page.getByTestId('playback').evaluate((v) => v.currentTime);
}

/** Waits until the video has a finite duration (MediaRecorder WebM needs a scan first). */
async function ready(page) {
  await page.getByTestId('playback').evaluate((v) => new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`duration stayed ${v.duration}`)), 15000);
    const check = () => (Number.isFinite(v.duration) && v.duration > 0 && v.currentTime < 1
      ? (clearTimeout(t), resolve()) : setTimeout(check, 100));
    check();
  }));
}

test('report from a stored fixture: figures, charts, seeking, pace band, print', async () => {
  const { context, page, errors } = await newPage();
  await page.goto(env.server.url + '#/history');
  await page.getByTestId('history-empty').waitFor();
  const chunks = await recordWebm(page);
  const rec = fixtureRecord();
  const msg = await importFile(page, 'fixture.aiinterview', exportFile([{ record: rec, chunks }]));
  assert.match(msg, /Imported 1 interview from fixture\.aiinterview: 1 new, 0 replaced, with recordings/);
  assert.equal(await countOf(page, 'history-row', 1), 1);

  await page.goto(env.server.url + '#/report/' + rec.id);
  await page.getByTestId('summary').waitFor();
  const want = expectedFigures(rec);
  assert.equal(await page.getByTestId('duration').innerText(), '0:08');
  assert.equal(await page.getByTestId('pace').innerText(), `${want.wpm} words/min`);
  assert.equal(await page.getByTestId('fillers-per-100').innerText(), want.fillersPer100);
  assert.equal(await page.getByTestId('disfluencies').innerText(), want.disfluencies);
  assert.equal(await page.getByTestId('focus-centre').innerText(), want.centre);
  assert.match(await page.getByTestId('expressions').innerText(), /happy 50%/);
  assert.match(await page.getByTestId('expressions').innerText(), /neutral 50%/);
  assert.match(await page.getByTestId('transcript-mode').innerText(), /on-device/);
  // Advice from the core rules: the default band is 120-160.
  assert.match(await page.getByTestId('pace-hint').innerText(), /120-160/);
  for (const c of ['chart-expressions', 'chart-focus', 'chart-pace', 'chart-loudness', 'chart-pitch']) {
    assert.ok(await page.getByTestId(c).locator('canvas').isVisible(), `${c} is drawn`);
  }
  // The charts' text alternative: one row per answer.
  assert.equal(await page.getByTestId('chart-numbers').locator('tbody tr').count(), 2);

  await ready(page);
  // Clicking the pace chart's second bar plays answer 2 (starts at 4 s).
  const pace = page.getByTestId('chart-pace').locator('canvas');
  const pb = await pace.boundingBox();
  await pace.click({ position: { x: pb.width * 0.8, y: pb.height / 2 } });
  assert.ok(Math.abs((await videoTime(page)) - 4) < 0.3, `pace bar seeks to ${await videoTime(page)}`);
  // Clicking the focus chart seeks to the time under the pointer, and the cursor is
  // then drawn where the click was.
  const focus = page.getByTestId('chart-focus');
  const fb = await focus.locator('canvas').boundingBox();
  await page.getByTestId('playback').evaluate((v) => v.pause());
  const picks = [];
  for (const f of [0.35, 0.7]) {
    await focus.locator('canvas').click({ position: { x: fb.width * f, y: fb.height / 2 } });
    await page.getByTestId('playback').evaluate((v) => v.pause());
    const t = await videoTime(page);
    picks.push(t);
    const cursor = focus.locator('.chart-cursor');
    await cursor.waitFor();
    await page.waitForTimeout(250);
    const cb = await cursor.boundingBox();
    const drift = Math.abs(cb.x + cb.width / 2 - (fb.x + fb.width * f));
    assert.ok(drift < 6, `cursor ${drift.toFixed(1)} px from the click (t=${t})`);
  }
  assert.ok(picks[0] > 0.5 && picks[1] > picks[0] + 2 && picks[1] < 8, `focus clicks seek to ${picks}`);
  // Keyboard: arrow right on a focused time chart steps 5 s forward.
  await focus.locator('canvas').focus();
  const before = await videoTime(page);
  await page.keyboard.press('ArrowLeft');
  const after = await videoTime(page);
  assert.ok(after < before, `arrow left: ${before} -> ${after}`);
  // A highlighted filler in answer 1 plays from within that answer.
  await page.getByTestId('transcript-0').locator('mark').nth(2).click();
  const tw = await videoTime(page);
  assert.ok(tw >= 0 && tw <= 4, `the word seeks into answer 1: ${tw}`);

  // A narrower pace band changes the advice and is kept on this device.
  await page.getByTestId('pace-band-form').locator('..').locator('summary').click();
  await page.getByTestId('pace-low').fill('100');
  await page.getByTestId('pace-high').fill('130');
  await page.getByTestId('pace-band-form').getByRole('button', { name: 'Save' }).click();
  assert.match(await page.getByTestId('pace-hint').innerText(), /100-130/);
  await page.reload();
  await page.getByTestId('pace-hint').waitFor();
  assert.match(await page.getByTestId('pace-hint').innerText(), /100-130/);
  await page.getByTestId('playback').evaluate((v) => { v.pause(); v.currentTime = 5; });
  await page.waitForTimeout(400);
  await shot(page, '10-report-fixture');
  // Print: the stylesheet hides controls and the video, keeps the charts and tables.
  await page.emulateMedia({ media: 'print' });
  assert.equal(await page.getByTestId('playback').isVisible(), false);
  assert.ok(await page.getByTestId('chart-focus').locator('canvas').isVisible());
  await shot(page, '11-report-print');
  await mkdir(SHOTS, { recursive: true });
  const pdf = await page.pdf({ format: 'A4' });
  await writeFile(join(SHOTS, 'report.pdf'), pdf);
  assert.ok(pdf.length > 20000, `pdf of ${pdf.length} bytes`);
  assert.deepEqual(errors, []);
  await context.close();
});

test('export then import gives back equal data; corrupt files are refused and change nothing', async () => {
  const { context, page, errors } = await newPage();
  await page.goto(env.server.url + '#/history');
  await page.getByTestId('history-empty').waitFor();
  const chunks = await recordWebm(page, 3000);
  // Three interviews getting better: fewer fillers, more time looking at the screen.
  const a = fixtureRecord({ id: 'iv-a', createdMs: Date.UTC(2026, 10, 1, 9), syllables: [16, 14], awayFrom: 4500,
    texts: ['Um, so I I led the, uh, billing team and we, um, shipped it.', 'Errors, like, fell by half in, uh, three months.'] });
  const b = fixtureRecord({ id: 'iv-b', createdMs: Date.UTC(2026, 10, 8, 9), track: 'software_engineering', syllables: [14, 12] });
  const c = fixtureRecord({ id: 'iv-c', createdMs: Date.UTC(2026, 10, 15, 9), syllables: [12, 10], awayFrom: 7500,
    texts: ['I led the billing team and we shipped it.', 'Errors fell by half in three months.'] });
  assert.match(await importFile(page, 'three.aiinterview',
    exportFile([{ record: a, chunks }, { record: b, chunks }, { record: c, chunks }])), /Imported 3 interviews/);
  assert.equal(await countOf(page, 'history-row', 3), 3);
  // Progress charts across interviews, and the track filter.
  for (const p of ['progress-pace', 'progress-fillers', 'progress-focus', 'progress-pauses']) {
    assert.ok(await page.getByTestId(p).locator('canvas').isVisible(), `${p} drawn`);
  }
  await shot(page, '12-history-progress');
  await page.getByTestId('track-filter').selectOption('general');
  assert.equal(await countOf(page, 'history-row', 2), 2);
  await page.getByTestId('track-filter').selectOption('');
  assert.equal(await countOf(page, 'history-row', 3), 3);

  // Export everything with recordings, as the user would (a download).
  const before = await stored(page, 'iv-b');
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('export-all-button').click(),
  ]);
  assert.match(download.suggestedFilename(), /^ai-interviewer-all-\d{4}-\d\d-\d\d\.aiinterview$/);
  const file = await readFile(await download.path());
  // Without recordings: a much smaller file.
  await page.getByTestId('export-all-recordings').uncheck();
  const [light] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-all-button').click()]);
  const lightFile = await readFile(await light.path());
  assert.ok(lightFile.length < file.length - 2 * chunks.reduce((n, c) => n + c.length, 0), `${lightFile.length} vs ${file.length}`);

  // Delete all, import the export: the same records and the same recording bytes.
  await page.getByTestId('delete-all').click();
  await page.getByTestId('history-empty').waitFor();
  assert.match(await importFile(page, 'back.aiinterview', file), /Imported 3 interviews .* 3 new, 0 replaced, with recordings/);
  const after = await stored(page, 'iv-b');
  assert.deepEqual(after.record, before.record);
  assert.deepEqual(after.chunks, before.chunks);
  assert.deepEqual(after.bytes, before.bytes);
  assert.equal(after.count, 3);

  // Corrupt files: refused with a clear message, nothing changed.
  const cases = [
    ['cut.aiinterview', file.subarray(0, file.length - 100), /incomplete/],
    ['notes.aiinterview', Buffer.from('{"interviews": []}'), /not an AI Interviewer export/],
    ['flipped.aiinterview', Buffer.concat([file.subarray(0, 24), Buffer.from('X'), file.subarray(25)]), /damaged/],
  ];
  const newer = JSON.parse(file.subarray(24, 24 + Number(file.readBigUInt64LE(16))).toString());
  assert.equal(newer.version, 2, 'the app exports version 2 (with checksums)');
  newer.version = 3;
  const nh = Buffer.from(JSON.stringify(newer));
  const nl = Buffer.alloc(8); nl.writeBigUInt64LE(BigInt(nh.length));
  // After the header: its 4-byte checksum, then the recordings.
  cases.push(['newer.aiinterview', Buffer.concat([file.subarray(0, 16), nl, nh, file.subarray(24 + Number(file.readBigUInt64LE(16)))]), /newer version/]);
  for (const [name, bytes, why] of cases) {
    const m = await importFile(page, name, bytes);
    assert.match(m, new RegExp(`^Nothing was imported from ${name.replace('.', '\\.')}\\. `), name);
    assert.match(m, why, name);
    const now = await stored(page, 'iv-b');
    assert.equal(now.count, 3, name);
    assert.deepEqual(now.record, before.record, name);
    assert.deepEqual(now.bytes, before.bytes, name);
  }
  await shot(page, '13-history-import-error');
  // Importing an interview that is already here replaces it (no duplicate).
  assert.match(await importFile(page, 'light.aiinterview', lightFile), /0 new, 3 replaced, without recordings/);
  assert.equal((await stored(page, 'iv-b')).bytes.length, 0);
  assert.equal(await countOf(page, 'history-row', 3), 3);
  assert.deepEqual(errors, []);
  await context.close();
});
