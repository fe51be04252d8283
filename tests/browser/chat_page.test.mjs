// Browser test of mock_platform's chat page against a real reviewbot: a customer is
// created, the till rings up a sale, the customer taps 5 stars, writes a comment and sees
// the thank-you; the shop owner's chat connects to reviewbot with a pasted owner link.
// Saves screenshots to <artifacts>/chat.png and owner-chat*.png and prints their paths.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { chromium } from 'playwright-core';

import { CHROMIUM_ARGS, paths, removeTempDir, startStack, tempDir } from './harness.mjs';

const STEP_MS = 15000;

let stack = null;
let context = null;
let profileDir = null;

// Prints how long each step took, so a slow CI run shows where the time went.
let last = Date.now();
function step(name) {
  const now = Date.now();
  console.log(`step: ${name} (+${now - last} ms)`);
  last = now;
}

before(async () => {
  stack = await startStack();
  step('mock_platform and reviewbot started');
  profileDir = tempDir('reviewbot-chromium-');
  context = await chromium.launchPersistentContext(profileDir, {
    executablePath: paths.chromium,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 800 },
    timeout: 30000,
  });
  step('chromium started');
});

after(async () => {
  if (context) await context.close().catch(() => {});
  if (stack) await stack.stop();
  if (profileDir) removeTempDir(profileDir);
});

test('a customer rates a sale 5 stars and comments in the chat page', { timeout: 90000 }, async () => {
  const page = await context.newPage();
  page.setDefaultTimeout(STEP_MS);
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });

  await page.goto(`${stack.mockUrl}/`);
  assert.equal(await page.title(), 'Chat simulator · mock_platform');
  step('page loaded');

  // Create a customer.
  await page.getByLabel('Name').fill('Ann');
  await page.getByLabel('Language').selectOption('en');
  await page.getByRole('button', { name: 'Create customer' }).click();
  await page.getByRole('button', { name: 'Chat as Ann' }).waitFor();
  await page.getByText('you are Ann').waitFor();
  step('customer created');

  // The till sends a coffee sale to reviewbot, which asks for a rating.
  await page.getByRole('button', { name: /Till/ }).click();
  await page.locator('#till-result', { hasText: 'reviewbot 202' }).waitFor();
  const request = page.locator('.msg.bot', { has: page.locator('.keyboard') }).first();
  await request.waitFor();
  assert.equal(await request.locator('.kb-button').count(), 5);
  assert.equal(await request.locator('strong', { hasText: 'Corner Cafe' }).count(), 1,
    'the <b> of the template is rendered as bold');

  step('rating request shown');

  // Tap 5 stars: the request is edited in place and a comment prompt with Skip follows.
  await request.getByRole('button', { name: /^5\b/ }).click();
  await page.locator('.msg.bot', { hasText: 'You rated us ★★★★★' }).waitFor();
  assert.equal(await page.locator('.msg.bot').first().locator('.kb-button').count(), 0,
    'the rated request lost its keyboard');
  assert.match(await page.locator('.msg.bot').first().innerText(), /edited/);
  await page.getByRole('button', { name: 'Skip' }).waitFor();
  step('rated 5 stars');

  // Write a comment: the thank-you arrives with the review link.
  const comment = 'Lovely latte <b>& friendly</b> staff!';
  await page.getByLabel('Message to the bot').fill(comment);
  await page.getByRole('button', { name: 'Send message' }).click();
  await page.locator('.msg.user', { hasText: comment }).waitFor();
  const thanks = page.locator('.msg.bot', { hasText: 'Thank you, Ann!' });
  await thanks.waitFor();
  step('comment sent, thank-you shown');
  assert.equal(await thanks.getByRole('link', { name: /review/i }).getAttribute('href'),
    'https://example.com/review-us');

  // The customer's text was shown as text, not markup.
  assert.equal(await page.locator('.msg.user strong').count(), 0);

  fs.mkdirSync(paths.artifacts, { recursive: true });
  const shot = path.join(paths.artifacts, 'chat.png');
  await page.screenshot({ path: shot });
  console.log(`screenshot: ${shot}`);

  // The review is stored.
  const res = await fetch(`${stack.reviewbotUrl}/v1/reviews`, {
    headers: { Authorization: `Bearer ${stack.adminToken}` },
  });
  assert.equal(res.status, 200);
  const reviews = (await res.json()).reviews;
  assert.equal(reviews.length, 1);
  assert.equal(reviews[0].rating, 5);
  assert.equal(reviews[0].comment, comment);

  assert.deepEqual(problems, [], 'no script errors or CSP violations in the page');
});

test('bot HTML is rendered through the whitelist, never as markup', { timeout: 30000 }, async () => {
  const page = await context.newPage();
  await page.goto(`${stack.mockUrl}/`);
  const render = (html) => page.evaluate((src) => {
    const box = document.createElement('div');
    appendTelegramHtml(box, src); // the page's parser (a global of app.js)
    return box.innerHTML;
  }, html);
  assert.equal(await render('<b>bold <i>both</i></b> &lt;b&gt; &amp; &#9733;'),
    '<strong>bold <em>both</em></strong> &lt;b&gt; &amp; ★');
  assert.equal(await render('<img src=x onerror=alert(1)>'), '&lt;img src=x onerror=alert(1)&gt;');
  assert.equal(await render('<script>alert(1)</script>'), '&lt;script&gt;alert(1)&lt;/script&gt;');
  assert.equal(await render('<a href="javascript:alert(1)">x</a>'), '<span>x</span>');
  assert.equal(await render('<a href="https://example.com/?a=1&amp;b=2" onclick="x()">ok</a>'),
    '<a href="https://example.com/?a=1&amp;b=2" target="_blank" rel="noopener noreferrer">ok</a>');
  assert.equal(await render('<b>unclosed <u>and</b> stray</u>'),
    '<strong>unclosed <u>and</u></strong> stray&lt;/u&gt;');
  await page.close();
});

test('owner links are read whatever form they are pasted in', { timeout: 30000 }, async () => {
  const page = await context.newPage();
  await page.goto(`${stack.mockUrl}/`);
  const parse = (input) => page.evaluate((s) => parseOwnerLink(s), input); // a global of app.js
  for (const input of [
    'https://t.me/reviewbot_demo_bot?start=abc_DEF-123',
    '  t.me/reviewbot_demo_bot?start=abc_DEF-123 ',
    'tg://resolve?domain=reviewbot_demo_bot&start=abc_DEF-123',
    'abc_DEF-123',
    '/start abc_DEF-123',
  ]) {
    assert.deepEqual(await parse(input), { parameter: 'abc_DEF-123' }, input);
  }
  for (const input of [
    '', 'https://t.me/reviewbot_demo_bot', 'https://t.me/reviewbot_demo_bot?start=',
    'https://t.me/reviewbot_demo_bot?start=a%20b', `https://t.me/reviewbot_demo_bot?start=${'x'.repeat(65)}`,
    'https://example.com/?start=abc', 'not a link',
  ]) {
    assert.ok((await parse(input)).error, `"${input}" is refused`);
  }
  await page.close();
});

test('the owner connects to reviewbot by pasting the owner link', { timeout: 60000 }, async () => {
  // A customer to switch back to at the end.
  const created = await fetch(`${stack.mockUrl}/_mock/users`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ name: 'Bea', language_code: 'en' }),
  });
  assert.equal(created.status, 201);
  const page = await context.newPage();
  page.setDefaultTimeout(STEP_MS);
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  await page.goto(`${stack.mockUrl}/`);

  // The owner is listed apart from the customers, with a badge.
  const ownerEntry = page.locator('#owner-list').getByRole('button', { name: /^Chat as Shop owner \(owner/ });
  await ownerEntry.waitFor();
  assert.match(await ownerEntry.innerText(), /Owner/);
  assert.match(await ownerEntry.innerText(), /alerts arrive here/);
  assert.equal(await page.locator('#customers').getByRole('button', { name: /Shop owner/ }).count(), 0);

  // Select it: the connect form shows and the till is replaced by a note.
  await ownerEntry.click();
  await page.waitForURL(/#user=1000000$/);
  await page.getByText('you are Shop owner, the owner').waitFor();
  const link = page.getByLabel('Owner link');
  await link.waitFor();
  assert.equal(await page.locator('#till').isVisible(), false, 'no till for the owner');
  await page.locator('#till-owner-note').waitFor();

  // A link without a parameter is refused with an error, and nothing is sent.
  await link.fill('https://t.me/reviewbot_demo_bot');
  await page.getByRole('button', { name: 'Connect' }).click();
  const error = page.locator('#owner-connect-error');
  await page.getByRole('alert').filter({ hasText: /no start parameter/ }).waitFor();
  assert.equal(await link.getAttribute('aria-invalid'), 'true');
  step('owner link without a parameter refused');

  // The dashboard's link, submitted from the keyboard: the owner's /start shows in the chat.
  await link.fill('https://t.me/reviewbot_demo_bot?start=abc_DEF-123');
  assert.equal(await error.innerText(), '', 'typing clears the error');
  await link.press('Enter');
  await page.locator('.msg.user', { hasText: '/start abc_DEF-123' }).waitFor();
  await page.getByRole('status').filter({ hasText: 'Sent /start abc_DEF-123 as the owner.' }).waitFor();
  assert.equal(await link.inputValue(), '');
  const transcript = await (await fetch(`${stack.mockUrl}/_mock/chats/1000000`)).json();
  assert.deepEqual(transcript.messages.filter((m) => m.from === 'user').map((m) => m.text),
    ['/start abc_DEF-123']);
  step('owner sent /start abc_DEF-123');

  // The owner's chat works like a customer's: typing posts a message.
  await page.getByLabel('Message to the bot').fill('hello from the owner');
  await page.getByRole('button', { name: 'Send message' }).click();
  await page.locator('.msg.user', { hasText: 'hello from the owner' }).waitFor();

  fs.mkdirSync(paths.artifacts, { recursive: true });
  const shot = path.join(paths.artifacts, 'owner-chat.png');
  await page.screenshot({ path: shot });
  console.log(`screenshot: ${shot}`);

  // A phone's width: one column, nothing wider than the screen.
  await page.setViewportSize({ width: 390, height: 844 });
  await link.scrollIntoViewIfNeeded();
  assert.ok(await page.getByRole('button', { name: 'Connect' }).isVisible());
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page is ${overflow} px wider than a 390 px phone`);
  const phoneShot = path.join(paths.artifacts, 'owner-chat-phone.png');
  await page.screenshot({ path: phoneShot });
  console.log(`screenshot: ${phoneShot}`);

  // Back to a customer: the till returns and the connect form goes.
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.getByRole('button', { name: 'Chat as Bea' }).click();
  await page.getByRole('button', { name: /Till/ }).waitFor();
  assert.equal(await link.isVisible(), false);

  assert.deepEqual(problems, [], 'no script errors or CSP violations in the page');
  await page.close();
});
