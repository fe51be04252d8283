// Browser test of mock_platform's chat page against a real reviewbot: a customer is
// created, the till rings up a sale, the customer taps 5 stars, writes a comment and sees
// the thank-you. Saves a screenshot to <artifacts>/chat.png and prints its path.
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
