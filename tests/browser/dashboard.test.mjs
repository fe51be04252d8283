// Browser test of the owner's dashboard against a real reviewbot and mock_platform: two
// customers answer through mock_platform's control API (one unhappy, one happy), then the
// owner logs in (a wrong password first), reads the overview, drills down from the trend
// to this week's reviews and from the distribution to the unhappy one, filters, downloads
// the CSV and logs out. Then a customer writes to the bot in the chat page, the owner
// (logged in by a one-time link) answers from the inbox and the answer arrives in the
// customer's chat, marks it handled, opens the unhappy review's timeline, reads the
// templates' figures and connects the simulator's owner chat with the owner link. Pages
// are checked at a phone's and a desktop's width; screenshots go to
// <artifacts>/dashboard-*.png.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { chromium } from 'playwright-core';

import { CHROMIUM_ARGS, eventually, paths, removeTempDir, startStack, tempDir } from './harness.mjs';

let stack = null;
let browser = null;
let profileDir = null;

async function post(url, body, headers = {}) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  assert.ok(res.ok, `POST ${url}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : {};
}

// A customer of mock_platform rates a sale and comments, through the control API.
async function review(name, rating, comment, n) {
  const { user_id: chat } = await post(`${stack.mockUrl}/_mock/users`, { name, language_code: 'en' });
  await post(`${stack.reviewbotUrl}/v1/events`, {
    id: `evt-dash-${n}`,
    type: 'transaction.completed',
    occurred_at: new Date().toISOString(),
    customer: { telegram_chat_id: chat, name, locale: 'en' },
    transaction: { id: `T-${n}`, amount: 12.5, currency: 'EUR', items: [{ name: 'Flat white' }] },
  }, { Authorization: `Bearer ${stack.adminToken}` });
  const botMessages = async () => {
    const res = await fetch(`${stack.mockUrl}/_mock/chats/${chat}`);
    return (await res.json()).messages.filter((m) => m.from === 'bot');
  };
  const request = await eventually(async () => (await botMessages())
    .find((m) => (m.inline_keyboard?.[0] || []).length === 5), 15000, `${name}'s request`);
  await post(`${stack.mockUrl}/_mock/users/${chat}/press`,
    { message_id: request.message_id, callback_data: request.inline_keyboard[0][rating - 1].callback_data });
  await eventually(async () => (await botMessages()).length >= 2, 15000, `${name}'s comment prompt`);
  await post(`${stack.mockUrl}/_mock/users/${chat}/messages`, { text: comment });
  await eventually(async () => (await botMessages()).length >= 3, 15000, `${name}'s thank-you`);
}

before(async () => {
  stack = await startStack();
  profileDir = tempDir('reviewbot-chromium-');
  browser = await chromium.launchPersistentContext(profileDir, {
    executablePath: paths.chromium, headless: true, args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 800 }, acceptDownloads: true, timeout: 30000,
  });
  await review('Dana', 2, 'The <b>coffee</b> was cold', 1);
  await review('Eli', 5, 'Perfect, thanks', 2);
});

after(async () => {
  if (browser) await browser.close().catch(() => {});
  if (stack) await stack.stop();
  if (profileDir) removeTempDir(profileDir);
});

async function shot(page, name) {
  fs.mkdirSync(paths.artifacts, { recursive: true });
  const file = path.join(paths.artifacts, `dashboard-${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  console.log(`screenshot: ${file}`);
}

test('the owner logs in, drills down to the unhappy review, exports CSV and logs out', { timeout: 120000 }, async () => {
  const page = await browser.newPage();
  page.setDefaultTimeout(15000);
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    // The refused login is answered 401 on purpose; chromium logs that as an error.
    if (m.type() === 'error' && !m.text().includes('status of 401')) problems.push(`console: ${m.text()}`);
  });

  await page.goto(`${stack.reviewbotUrl}/admin`);
  assert.match(page.url(), /\/admin\/login$/);
  await page.getByLabel('Password or ADMIN_TOKEN').fill('not the token');
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('alert').filter({ hasText: 'Wrong account or password' }).waitFor();
  await shot(page, 'login-refused');

  await page.getByLabel('Password or ADMIN_TOKEN').fill(stack.adminToken);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('heading', { name: 'Overview' }).waitFor();
  const cards = await page.locator('.card').allInnerTexts();
  assert.ok(cards.some((c) => /^2\s+responses$/.test(c)), `cards: ${cards}`);
  await shot(page, 'overview-desktop');

  // This week's column of the trend leads to both reviews.
  await page.locator('svg a[href^="/admin/reviews?from="]').last().click();
  await page.getByRole('heading', { name: 'Reviews' }).waitFor();
  assert.equal(await page.locator('tbody tr').count(), 2);
  await page.goto(`${stack.reviewbotUrl}/admin`);

  // The 2-star bar of the chart leads to exactly the unhappy review.
  await page.locator('svg a[href="/admin/reviews?stars=2"]').click();
  await page.getByRole('heading', { name: 'Reviews' }).waitFor();
  const rows = page.locator('tbody tr');
  assert.equal(await rows.count(), 1);
  assert.match(await rows.first().innerText(), /The <b>coffee<\/b> was cold/);
  assert.equal(await page.locator('tbody b').count(), 0, 'the comment is text, not markup');

  // The ≤ 2 filter from the form, then the CSV of exactly that set.
  await page.getByLabel('Rating').selectOption('le2');
  await page.getByRole('button', { name: 'Filter' }).click();
  await page.waitForURL(/stars=le2/);
  assert.equal(await rows.count(), 1);
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Download CSV' }).click(),
  ]);
  const csv = fs.readFileSync(await download.path(), 'utf8');
  assert.ok(csv.startsWith('\ufeffid,rating,comment'), 'UTF-8 with BOM');
  assert.equal(csv.trim().split('\r\n').length, 2, 'header and the one filtered row');
  assert.match(csv, /The <b>coffee<\/b> was cold/);

  await page.getByLabel('Search').fill('perfect');
  await page.getByLabel('Rating').selectOption('');
  await page.getByRole('button', { name: 'Filter' }).click();
  await page.waitForURL(/q=perfect/);
  assert.equal(await rows.count(), 1);
  assert.match(await rows.first().innerText(), /Perfect, thanks/);

  // At a phone's width the table becomes stacked cards and nothing scrolls sideways.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`${stack.reviewbotUrl}/admin/reviews`);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page is ${overflow} px wider than the phone`);
  await shot(page, 'reviews-phone');
  await page.goto(`${stack.reviewbotUrl}/admin`);
  await shot(page, 'overview-phone');
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(`${stack.reviewbotUrl}/admin/reviews`);
  await shot(page, 'reviews-desktop');

  // Keyboard: Tab reaches the navigation first.
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Overview');

  await page.getByRole('link', { name: 'Delivery' }).click();
  await page.getByRole('heading', { name: 'Delivery' }).waitFor();
  await shot(page, 'delivery-desktop');

  await page.getByRole('button', { name: /Log out/ }).click();
  await page.getByRole('heading', { name: 'Log in' }).waitFor();
  await page.goto(`${stack.reviewbotUrl}/admin/reviews`);
  assert.match(page.url(), /\/admin\/login$/, 'the session ended');

  assert.deepEqual(problems, [], 'no script errors or CSP violations');
});

test('a customer writes, the owner answers from the inbox, connects alerts and reads the templates', { timeout: 150000 }, async () => {
  const page = await browser.newPage();
  page.setDefaultTimeout(15000);
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });

  // The customer writes to the bot in mock_platform's chat page.
  const chat = await browser.newPage();
  chat.setDefaultTimeout(15000);
  await chat.goto(stack.mockUrl);
  await chat.getByLabel('Name').fill('Farah');
  await chat.getByLabel('Language').selectOption('en');
  await chat.getByRole('button', { name: 'Create customer' }).click();
  await chat.getByRole('button', { name: 'Chat as Farah' }).waitFor();
  await chat.getByLabel('Message to the bot').fill('Do you have oat milk?');
  await chat.getByRole('button', { name: 'Send message' }).click();
  await chat.locator('.msg.user', { hasText: 'Do you have oat milk?' }).waitFor();

  // It reaches the owner's inbox, next to the unhappy review.
  const made = await post(`${stack.reviewbotUrl}/v1/login_links`, {}, { Authorization: `Bearer ${stack.adminToken}` });
  await page.goto(`${stack.reviewbotUrl}${made.path}`);
  await page.getByRole('heading', { name: 'Overview' }).waitFor();
  await page.getByRole('link', { name: 'Inbox' }).click();
  await page.getByRole('heading', { name: 'Inbox', exact: true }).waitFor();
  const message = page.locator('.inbox-item', { hasText: 'Do you have oat milk?' });
  await message.waitFor();
  assert.equal(await page.locator('.inbox-item', { hasText: 'The <b>coffee</b> was cold' }).count(), 1);
  assert.equal(await page.locator('.inbox-item', { hasText: 'Perfect, thanks' }).count(), 0);
  await shot(page, 'inbox-desktop');

  // The reply goes to the customer's chat through the bot.
  await message.getByLabel(/Reply to Farah/).fill('Yes, and almond too!');
  await message.getByRole('button', { name: 'Send reply' }).click();
  await page.getByRole('status').filter({ hasText: 'Reply queued' }).waitFor();
  await page.locator('.inbox-item', { hasText: 'You replied: Yes, and almond too!' }).waitFor();
  await chat.locator('.msg.bot', { hasText: 'Yes, and almond too!' }).waitFor();
  await chat.screenshot({ path: path.join(paths.artifacts, 'dashboard-reply-in-chat.png') });
  console.log(`screenshot: ${path.join(paths.artifacts, 'dashboard-reply-in-chat.png')}`);

  // Marked handled, it leaves the inbox.
  await page.locator('.inbox-item', { hasText: 'Do you have oat milk?' })
    .getByRole('button', { name: 'Mark handled' }).click();
  await page.getByRole('status').filter({ hasText: 'Marked handled' }).waitFor();
  assert.equal(await page.locator('.inbox-item', { hasText: 'oat milk' }).count(), 0);

  // The unhappy review's page: its timeline, at a phone's width too.
  await page.locator('.inbox-item', { hasText: 'The <b>coffee</b> was cold' })
    .getByRole('link', { name: 'Open the review' }).click();
  await page.getByRole('heading', { name: /^Review \d+$/ }).waitFor();
  await page.locator('.timeline li', { hasText: 'Review request' }).waitFor();
  assert.match(await page.locator('.timeline').innerText(), /Thank-you/);
  await page.setViewportSize({ width: 390, height: 844 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the review page is ${overflow} px wider than the phone`);
  await shot(page, 'review-phone');
  await page.setViewportSize({ width: 1280, height: 800 });

  // The templates page: the template that asked Dana and Eli, with its figures.
  await page.getByRole('link', { name: 'Templates' }).click();
  await page.getByRole('heading', { name: 'Templates', exact: true }).waitFor();
  const purchase = page.locator('section.template', { has: page.getByRole('heading', { name: 'purchase' }) });
  const figures = await purchase.locator('tbody tr').first().innerText();
  assert.match(figures, /\(one text\)\s+2\s+2\s+100 %\s+3\.50 ★/, figures);
  await purchase.locator('.bubble').first().waitFor();
  assert.ok(await purchase.locator('.bubble b').count() > 0, 'Telegram bold shows as bold');
  await shot(page, 'templates-desktop');

  // The owner connects their Telegram: the simulator's owner chat opens the owner link.
  await page.getByRole('link', { name: 'Alerts' }).click();
  await page.getByRole('heading', { name: 'Alerts', exact: true }).waitFor();
  const ownerLink = await page.getByRole('link', { name: /Open the bot in Telegram/ }).getAttribute('href');
  await chat.goto(`${stack.mockUrl}/#user=1000000`);
  await chat.getByLabel('Owner link').fill(ownerLink);
  await chat.getByRole('button', { name: 'Connect' }).click();
  await chat.locator('.msg.bot', { hasText: 'Connected.' }).waitFor();
  await page.reload();
  await page.locator('.accounts li', { hasText: 'Chat 1000000' }).waitFor();
  await shot(page, 'alerts-desktop');

  assert.deepEqual(problems, [], 'no script errors or CSP violations');
  await chat.close();
});
