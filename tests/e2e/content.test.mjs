// End-to-end: content feedback. An interview built from a pasted job posting (its key
// terms found and shown), a story answer that never says how it ended (the browser's
// speech recognition stands in as a test double: headless Chromium has none), the
// follow-up question asked before moving on, and the report's content section: STAR parts,
// talking points, the posting's terms used, the follow-up kept with its question.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { appUnderTest, shot } from './harness.mjs';

const env = appUnderTest(before, after);

const POSTING = `Data Analyst, Customer Insights
We're looking for a data analyst to join our customer insights team. You will build
dashboards in Tableau, write SQL queries against our data warehouse, and present findings
to stakeholders. Requirements: 2+ years of experience with SQL; experience with Tableau or
Power BI dashboards; stakeholder management; A/B testing and statistics.
Competitive salary and hybrid working.`;

const STORY = 'At my last job the sales team kept arguing about which region was growing fastest. '
  + 'I was asked to settle it for the quarterly review. '
  + 'So I wrote SQL queries against the data warehouse to pull three years of orders. '
  + 'Then I built a Tableau dashboard that split growth by region and product.';

/** The browser's SpeechRecognition, as a double: on-device, and `__say(text)` delivers a
 *  final result to the recogniser the app started. */
function fakeRecognition() {
  class FakeRecognition {
    static available() { return Promise.resolve('available'); }
    static install() { return Promise.resolve(true); }
    start() { window.__rec = this; }
    stop() {}
    abort() {}
  }
  window.SpeechRecognition = FakeRecognition;
  window.__say = (text) => {
    const result = Object.assign([{ transcript: text, confidence: 0.9 }], { isFinal: true });
    window.__rec.onresult({ resultIndex: 0, results: [result] });
  };
}

test('an interview from a job posting, with a follow-up and the content of each answer', async () => {
  const context = await env.browser.newContext({ viewport: { width: 1200, height: 900 } });
  await context.grantPermissions(['camera', 'microphone'], { origin: env.server.origin });
  await context.addInitScript(fakeRecognition);
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });

  await page.goto(env.server.url);
  await page.getByTestId('start').waitFor();
  await page.getByTestId('track').selectOption('job');
  await page.getByTestId('job-posting').fill(POSTING);
  await page.getByTestId('find-terms').click();
  const terms = await page.getByTestId('job-terms').inputValue();
  for (const t of ['sql', 'tableau', 'dashboards']) assert.match(terms, new RegExp(t), terms);
  assert.doesNotMatch(terms, /salary|experience\n/, terms);
  assert.equal(await page.getByTestId('follow-ups').isChecked(), true);
  await page.getByTestId('count').selectOption('2');
  await page.getByTestId('limit').selectOption('30');
  await shot(page, '40-home-job-posting');
  await page.getByTestId('start').click();
  await page.getByTestId('media-ready').waitFor({ timeout: 15000 });
  await page.getByTestId('begin').click();
  await page.getByTestId('question').waitFor();
  await page.waitForFunction(() => window.__rec);

  // Question 1 (why this job), then the story without its ending.
  assert.equal(await page.getByTestId('progress').innerText(), 'Question 1 of 2');
  await page.evaluate(() => window.__say('I love turning messy data into decisions people can act on.'));
  await page.waitForTimeout(1500);
  await page.getByTestId('next').click();
  assert.equal(await page.getByTestId('progress').innerText(), 'Question 2 of 2');
  const story = await page.getByTestId('question').innerText();
  await page.evaluate((t) => window.__say(t), STORY);
  await page.waitForTimeout(1500);
  await page.getByTestId('next').click();
  // The follow-up comes before the interview ends.
  assert.equal(await page.getByTestId('progress').innerText(), 'Question 3 of 3');
  const follow = await page.getByTestId('question').innerText();
  assert.notEqual(follow, story);
  await shot(page, '41-follow-up');
  await page.evaluate(() => window.__say('In the end the board moved two sales people to the north, and sales there rose by twenty percent.'));
  await page.waitForTimeout(1500);
  await page.getByTestId('next').click();

  await page.getByTestId('summary').waitFor({ timeout: 20000 });
  const star = page.getByTestId('star-1');
  await star.waitFor();
  const present = async (p) => star.locator(`[data-part="${p}"]`).getAttribute('data-present');
  assert.equal(await present('S'), 'true');
  assert.equal(await present('A'), 'true');
  assert.equal(await present('R'), 'false');
  assert.match(await page.getByTestId('content-advice-1').innerText(), /never said what happened in the end/);
  assert.match(await page.getByTestId('points-1').innerText(), /Talking points: [1-5] of [3-5] found/);
  const used = await page.getByTestId('job-terms-1').innerText();
  assert.match(used, /used: .*sql/, used);
  assert.match(used, /used: .*tableau/, used);
  // The follow-up is kept with the question it followed.
  const rows = page.getByTestId('question-list').locator(':scope > li');
  assert.equal(await rows.count(), 3);
  assert.match(await rows.nth(2).getByTestId('follow-up-tag').innerText(), /Follow-up to question 2/);
  await rows.nth(1).getByTestId('star-1').scrollIntoViewIfNeeded();
  const never = await page.getByTestId('job-terms-never-used').innerText();
  assert.match(never, /no answer used: .*stakeholder/, never);
  assert.doesNotMatch(never, /\bsql\b/, never);
  await shot(page, '42-report-content');
  await page.getByTestId('question-list').screenshot({ path: 'test-results/screenshots/43-report-answers.png' });
  assert.deepEqual(errors, []);
  await context.close();
});

test('questions chosen from the bank by search, asked in the order ticked', async () => {
  const context = await env.browser.newContext({ viewport: { width: 1200, height: 900 } });
  await context.grantPermissions(['camera', 'microphone'], { origin: env.server.origin });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('dialog', (d) => d.accept());
  await page.goto(env.server.url);
  await page.getByTestId('start').waitFor();
  await page.getByTestId('track').selectOption('pick');
  // Nothing ticked: a clear message, no interview.
  await page.getByTestId('start').click();
  await page.getByRole('alert').or(page.locator('.notice-error')).first().waitFor();
  await page.getByTestId('picker-search').fill('deadline');
  const picks = page.getByTestId('pick');
  assert.ok(await picks.count() >= 2, await page.getByTestId('picker-count').innerText());
  const second = await picks.nth(1).locator('xpath=..').innerText();
  const first = await picks.nth(0).locator('xpath=..').innerText();
  await picks.nth(1).check();
  await picks.nth(0).check();
  assert.match(await page.getByTestId('picker-count').innerText(), /2 chosen/);
  await shot(page, '44-home-pick-questions');
  await page.getByTestId('limit').selectOption('30');
  await page.getByTestId('start').click();
  await page.getByTestId('media-ready').waitFor({ timeout: 15000 });
  await page.getByTestId('begin').click();
  await page.getByTestId('question').waitFor();
  assert.equal(await page.getByTestId('progress').innerText(), 'Question 1 of 2');
  assert.equal((await page.getByTestId('question').innerText()).trim(), second.trim());
  await page.getByTestId('next').click();
  assert.equal((await page.getByTestId('question').innerText()).trim(), first.trim());
  await page.getByTestId('end').click();
  await page.getByTestId('summary').waitFor({ timeout: 20000 });
  assert.deepEqual(errors, []);
  await context.close();
});
