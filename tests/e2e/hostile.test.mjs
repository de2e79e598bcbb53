// End-to-end: hostile and damaged data never take the page down (issue 20). Edited export
// files are refused with a message naming what is wrong; records that an older app let in
// (written straight into IndexedDB) are listed as damaged, with export and delete, while
// every other interview still opens; a bit flipped in a recording piece is found by its
// checksum and, with the user's consent, left out; a panic shows the recovery screen.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { appUnderTest, shot, exportFile, countOf } from './harness.mjs';
import { fixtureRecord } from './fixtures/interview.mjs';

const env = appUnderTest(before, after);

async function newPage({ dialogs = [] } = {}) {
  const context = await env.browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  // Confirmations are answered from `dialogs` in order (accept when it runs out).
  page.on('dialog', (d) => {
    const accept = dialogs.length ? dialogs.shift() : true;
    page.lastDialog = d.message();
    return accept ? d.accept() : d.dismiss();
  });
  return { context, page, errors };
}

async function importFile(page, name, buffer) {
  await page.getByTestId('import-file').setInputFiles({ name, mimeType: 'application/octet-stream', buffer });
  // Every message names its file: the same outcome twice in a row is still seen as new.
  const msg = page.getByTestId('import-message').filter({ hasText: name });
  await msg.waitFor({ timeout: 15000 });
  return msg.innerText();
}

/** Writes records straight into IndexedDB, past every check: what an older app let in. */
async function putRaw(page, records) {
  await page.evaluate(async (records) => {
    const db = await new Promise((res, rej) => {
      const r = indexedDB.open('ai-interviewer');
      r.onsuccess = () => res(r.result); r.onerror = () => rej(r.error);
    });
    const tx = db.transaction(['interviews'], 'readwrite');
    for (const r of records) tx.objectStore('interviews').put(r);
    await new Promise((res, rej) => { tx.oncomplete = res; tx.onerror = () => rej(tx.error); });
    db.close();
  }, records);
}

/** The hostile records, each a change to a good fixture record. */
function hostile() {
  const base = () => fixtureRecord({ id: 'iv-hostile' });
  const cases = [
    ['duration 1e308', (r) => { r.duration_ms = 1e308; }, /duration_ms out of range/],
    ['created -8.64e15', (r) => { r.created_ms = -8.64e15; }, /created_ms out of range/],
    ['id ../../etc', (r) => { r.id = '../../etc'; }, /id is not one this app makes/],
    ['id with # and <', (r) => { r.id = 'a#/history?x=<b>'; }, /id is not one this app makes/],
    ['transcript of answer 99', (r) => { r.transcripts[0].index = 99; }, /answer 99/],
    ['speech of answer 4294967295', (r) => { r.speech[0].index = 4294967295; }, /answer 4294967295/],
    ['NaN-like pace', (r) => { r.speech[0].audio.speaking_ratio = 7; }, /speaking ratio out of range/],
    ['span past the end', (r) => { r.spans[1].end_ms = 9e9; }, /out of range|outside the recording/],
  ];
  return cases.map(([name, edit, why]) => { const r = base(); edit(r); return [name, r, why]; });
}

test('hostile export files are refused with the field named; the history stays usable', async () => {
  const { context, page, errors } = await newPage();
  await page.goto(env.server.url + '#/history');
  await page.getByTestId('history-empty').waitFor();
  for (const [name, rec, why] of hostile()) {
    for (const version of [1, 2]) {
      const m = await importFile(page, `${name}.aiinterview`, exportFile([{ record: rec }], { withRecordings: false, version }));
      assert.match(m, /^Nothing was imported from .*\. This export is damaged \(interview 1: /, `${name} v${version}: ${m}`);
      assert.match(m, why, name);
    }
  }
  await shot(page, '30-hostile-import-refused');
  assert.equal(await page.getByTestId('history-empty').count(), 1, 'nothing was written');
  // A good record still imports, in either version, and opens.
  const good = fixtureRecord({ id: 'iv-good-1' });
  assert.match(await importFile(page, 'good.aiinterview', exportFile([{ record: good }], { withRecordings: false, version: 2 })),
    /Imported 1 interview .* 1 new/);
  assert.equal(await countOf(page, 'history-row', 1), 1);
  await page.getByTestId('history-row').getByText('Open').click();
  await page.getByTestId('summary').waitFor();
  assert.deepEqual(errors, []);
  await context.close();
});

test('records an older app let in are listed as damaged, never opened into a panic', async () => {
  const { context, page, errors } = await newPage();
  await page.goto(env.server.url + '#/history');
  await page.getByTestId('history-empty').waitFor();
  await importFile(page, 'good.aiinterview', exportFile([{ record: fixtureRecord({ id: 'iv-good-2' }) }], { withRecordings: false }));
  await countOf(page, 'history-row', 1);
  const raw = hostile().map(([, r]) => r);
  // Distinct keys for the store (the id is its key).
  raw.forEach((r, k) => { if (r.id === 'iv-hostile') r.id = `iv-hostile-${k}`; });
  await putRaw(page, raw);
  await page.reload();
  await page.getByTestId('damaged-list').waitFor();
  assert.equal(await countOf(page, 'damaged-row', raw.length), raw.length);
  assert.equal(await countOf(page, 'history-row', 1), 1, 'the good interview is still listed');
  const text = await page.getByTestId('damaged-list').innerText();
  assert.match(text, /duration_ms out of range/);
  assert.match(text, /Unknown date/, 'a date outside 2000-2100 is not printed as -271821');
  await shot(page, '31-history-damaged');

  // Each damaged record's report route shows a message, not a dead page; the ids with
  // '/', '#', '?' and '<' travel encoded.
  for (const r of raw) {
    await page.goto(env.server.url + '#/report/' + encodeURIComponent(r.id));
    await page.getByTestId('report-error').waitFor();
    assert.match(await page.getByTestId('report-error').innerText(), /could not be read/);
  }
  await shot(page, '32-report-of-damaged');
  // The good one still opens from its link.
  await page.goto(env.server.url + '#/history');
  await page.getByTestId('history-row').getByText('Open').click();
  await page.getByTestId('summary').waitFor();

  // Export keeps what is stored; Delete removes it.
  await page.goto(env.server.url + '#/history');
  await page.getByTestId('damaged-list').waitFor();
  const row = page.getByTestId('damaged-row').first();
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    row.getByTestId('damaged-export-button').click(),
  ]);
  assert.match(download.suggestedFilename(), /^ai-interviewer-damaged-\d{4}-\d\d-\d\d\.aiinterview$/);
  await row.getByText('Delete').click();
  assert.equal(await countOf(page, 'damaged-row', raw.length - 1), raw.length - 1);
  assert.deepEqual(errors.filter((e) => !/damaged interview/.test(e)), []);
  await context.close();
});

test('a flipped bit in a recording piece is found; the rest imports only with consent', async () => {
  const chunks = [0, 1, 2, 3].map((k) => Buffer.alloc(500, k + 1));
  const file = exportFile([{ record: fixtureRecord({ id: 'iv-bits' }), chunks }], { version: 2 });
  const flipped = Buffer.from(file);
  flipped[flipped.length - 700] ^= 0x10; // inside the third piece
  // Refused first (the user says no), then imported without the damaged piece.
  const { context, page, errors } = await newPage({ dialogs: [false, true] });
  await page.goto(env.server.url + '#/history');
  await page.getByTestId('history-empty').waitFor();
  let m = await importFile(page, 'bits.aiinterview', flipped);
  assert.match(page.lastDialog, /Damaged recording data in the interview of .* \(1 of its 4 recording pieces\)/);
  assert.match(m, /^Nothing was imported from bits\.aiinterview\. This export is damaged\. Damaged recording data/);
  assert.equal(await page.getByTestId('history-empty').count(), 1);
  m = await importFile(page, 'bits-again.aiinterview', flipped);
  assert.match(m, /Imported 1 interview .* 1 damaged recording piece left out/);
  const stored = await page.evaluate(async () => {
    const db = await new Promise((res) => { const r = indexedDB.open('ai-interviewer'); r.onsuccess = () => res(r.result); });
    const all = await new Promise((res) => { const r = db.transaction('chunks').objectStore('chunks').getAll(); r.onsuccess = () => res(r.result); });
    db.close();
    return all.map((c) => [c.seq, c.size]);
  });
  assert.deepEqual(stored, [[0, 500], [1, 500], [2, 500]], 'three pieces kept, numbered again');
  // A flipped bit in the header is refused outright, naming the header.
  const head = Buffer.from(file);
  head[40] ^= 0x01;
  m = await importFile(page, 'head.aiinterview', head);
  assert.match(m, /^Nothing was imported from head\.aiinterview\. This export is damaged \(the list of interviews .* checksum\)/);
  await shot(page, '33-import-damaged-piece');
  await page.getByTestId('history-row').getByText('Open').click();
  await page.getByTestId('summary').waitFor();
  assert.match(await page.locator('body').innerText(), /1 recording piece was damaged in the export file/);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a panic shows the recovery screen with details; a reload brings the app back', async () => {
  const { context, page, errors } = await newPage();
  await page.goto(env.server.url + '#/history');
  await page.getByTestId('history-empty').waitFor();
  await page.evaluate(() => { location.hash = '#/debug/panic'; });
  const crash = page.getByTestId('crash');
  await crash.waitFor({ timeout: 10000 });
  assert.match(await crash.innerText(), /Something went wrong\. Your interviews are safe\./);
  await crash.locator('summary').click();
  assert.match(await page.getByTestId('crash-details').inputValue(), /panicked[\s\S]*#\/debug\/panic/);
  await shot(page, '34-panic-screen');
  assert.ok(errors.some((e) => /debug\/panic/.test(e)), 'the details reach the console');
  await page.evaluate(() => { history.replaceState(null, '', '#/history'); });
  await page.getByTestId('crash-reload').click();
  await page.getByTestId('history-empty').waitFor({ timeout: 15000 });
  assert.equal(await page.getByTestId('crash').count(), 0);
  await context.close();
});
