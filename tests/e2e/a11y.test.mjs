// Accessibility: axe-core (WCAG 2 A/AA rules) on every page, with a stored interview so
// the report and history show their charts, tables and controls. Also checks that every
// control can be reached with the keyboard and has an accessible name.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { appUnderTest, exportFile } from './harness.mjs';
import { fixtureRecord } from './fixtures/interview.mjs';

const require = createRequire(import.meta.url);
const AXE = require.resolve('axe-core/axe.min.js');
const env = appUnderTest(before, after);

/** axe's serious and critical violations on the page as it is now. */
async function violations(page) {
  await page.addScriptTag({ path: AXE });
  const res = await page.evaluate(() => window.axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
  }));
  return res.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')})`);
}

test('every page passes axe (WCAG 2.1 A/AA, serious and critical) and its controls are named', async () => {
  // The app's CSP forbids injected scripts; axe is test tooling, so CSP is bypassed here.
  const context = await env.browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
  await context.grantPermissions(['camera', 'microphone'], { origin: env.server.origin });
  const page = await context.newPage();
  page.on('dialog', (d) => d.accept());
  const found = {};

  await page.goto(env.server.url);
  await page.getByTestId('start').waitFor();
  found.home = await violations(page);

  await page.getByTestId('count').selectOption('1');
  await page.getByTestId('start').click();
  await page.getByTestId('media-ready').waitFor({ timeout: 15000 });
  found.setup = await violations(page);
  await page.getByTestId('begin').click();
  await page.getByTestId('question').waitFor();
  await page.waitForTimeout(1500);
  found.interview = await violations(page);
  await page.getByTestId('next').click();
  await page.getByTestId('summary').waitFor({ timeout: 15000 });

  await page.goto(env.server.url + '#/history');
  await page.getByTestId('history-table').waitFor();
  const rec = fixtureRecord();
  const other = fixtureRecord({ id: 'iv-2', createdMs: rec.created_ms + 86400000, track: 'software_engineering' });
  await page.getByTestId('import-file').setInputFiles({
    name: 'f.aiinterview', mimeType: 'application/octet-stream',
    buffer: exportFile([{ record: rec }, { record: other }], { withRecordings: false }),
  });
  await page.getByTestId('history-row').nth(2).waitFor();
  found.history = await violations(page);

  await page.goto(env.server.url + '#/report/' + rec.id);
  await page.getByTestId('charts').waitFor();
  found.report = await violations(page);

  // Every button, link, input and focusable chart has a name a screen reader can read.
  const unnamed = await page.evaluate(() => [...document.querySelectorAll('button, a[href], input, select, textarea, [tabindex="0"]')]
    .filter((el) => {
      const label = el.getAttribute('aria-label') || el.getAttribute('title') || el.textContent.trim()
        || (el.id && document.querySelector(`label[for="${el.id}"]`)) || el.closest('label');
      return !label;
    })
    .map((el) => el.outerHTML.slice(0, 80)));
  assert.deepEqual(unnamed, []);
  // Tab reaches the charts (they seek with the arrow keys).
  let reached = false;
  for (let i = 0; i < 60 && !reached; i++) {
    await page.keyboard.press('Tab');
    reached = await page.evaluate(() => document.activeElement?.tagName === 'CANVAS');
  }
  assert.ok(reached, 'a chart takes keyboard focus');

  for (const [name, v] of Object.entries(found)) console.log(`# axe ${name}: ${v.length} serious/critical`);
  assert.deepEqual(found, { home: [], setup: [], interview: [], history: [], report: [] });
  await context.close();
});
