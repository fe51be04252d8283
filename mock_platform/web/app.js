// Chat simulator page: plays a customer, or the shop owner who gets reviewbot's alerts, in
// a Telegram-like chat through mock_platform's control API (/_mock/...), rings up sales
// through POST /_mock/till and manages fault rules. Bot text is Telegram HTML: it is
// turned into DOM nodes by a small whitelist parser below; nothing from the bot or a
// customer is ever assigned to innerHTML.
'use strict';

const POLL_MS = 500;
const SLOW_POLL_MS = 3000;

const $ = (id) => document.getElementById(id);

const state = {
  users: [],
  usersKey: '',
  userId: null,
  generation: 0, // bumps on every customer switch; stale answers are dropped
  nodes: new Map(), // message_id -> {key, node}
  seenAnswers: new Set(),
  answersPrimed: false,
  live: null,
};

// ---------------------------------------------------------------------------
// HTTP

async function api(method, path, body) {
  const init = { method, headers: {} };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const res = await fetch(path, init);
  let data = null;
  const text = await res.text();
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = text;
  }
  return { status: res.status, ok: res.ok, data };
}

function errorText(r) {
  if (r.data && typeof r.data === 'object' && r.data.error) return r.data.error;
  return `HTTP ${r.status}`;
}

// ---------------------------------------------------------------------------
// Telegram HTML → DOM (whitelist)

// Telegram's tags and the element each becomes; anything else is shown as text.
const TAGS = {
  b: 'strong', strong: 'strong', i: 'em', em: 'em', u: 'u', ins: 'u',
  s: 's', strike: 's', del: 's', code: 'code', pre: 'pre', a: 'a',
  blockquote: 'blockquote', 'tg-spoiler': 'span', span: 'span',
};
const TAG_RE = /^<(\/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[a-zA-Z-]+(?:\s*=\s*(?:"[^"<]*"|'[^'<]*'|[^\s"'<>]+))?)*)\s*>/;
const ATTR_RE = /([a-zA-Z-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?/g;
const ENTITY_RE = /^&(lt|gt|amp|quot|#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6});/;

function decodeEntity(name) {
  switch (name) {
    case 'lt': return '<';
    case 'gt': return '>';
    case 'amp': return '&';
    case 'quot': return '"';
  }
  const code = name[1] === 'x' || name[1] === 'X'
    ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
  if (!(code > 0 && code <= 0x10ffff) || (code >= 0xd800 && code <= 0xdfff)) return '\ufffd';
  return String.fromCodePoint(code);
}

function decodeEntities(s) {
  return s.replace(/&(lt|gt|amp|quot|#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6});/g, (_, n) => decodeEntity(n));
}

function parseAttrs(src) {
  const attrs = {};
  for (const m of src.matchAll(ATTR_RE)) {
    attrs[m[1].toLowerCase()] = decodeEntities(m[2] ?? m[3] ?? m[4] ?? '');
  }
  return attrs;
}

function safeUrl(href) {
  return /^https?:\/\/[^\s]+$/i.test(href) ? href : null;
}

// The element for an allowed opening tag, or null to show the tag as text.
function elementFor(name, attrs) {
  if (name === 'span' && attrs.class !== 'tg-spoiler') return null;
  const el = document.createElement(TAGS[name]);
  if (name === 'span' || name === 'tg-spoiler') {
    el.className = 'spoiler';
    el.title = 'Spoiler: click to reveal';
    el.addEventListener('click', () => el.classList.add('revealed'));
  } else if (name === 'a') {
    const url = safeUrl(attrs.href ?? '');
    if (url === null) return document.createElement('span');
    el.href = url;
    el.target = '_blank';
    el.rel = 'noopener noreferrer';
  }
  return el;
}

// Appends `src` (Telegram HTML) to `parent` as DOM nodes.
function appendTelegramHtml(parent, src) {
  const stack = [{ name: null, el: parent }];
  let text = '';
  const flush = () => {
    if (text) stack[stack.length - 1].el.appendChild(document.createTextNode(text));
    text = '';
  };
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (c === '<') {
      const m = TAG_RE.exec(src.slice(i, i + 512));
      const name = m ? m[2].toLowerCase() : '';
      if (m && Object.hasOwn(TAGS, name)) {
        if (m[1] === '/') {
          let k = stack.length - 1;
          while (k > 0 && stack[k].name !== name) k--;
          if (k > 0) {
            flush();
            stack.length = k;
            i += m[0].length;
            continue;
          }
        } else {
          const el = elementFor(name, parseAttrs(m[3]));
          if (el) {
            flush();
            stack[stack.length - 1].el.appendChild(el);
            stack.push({ name, el });
            i += m[0].length;
            continue;
          }
        }
      }
    } else if (c === '&') {
      const m = ENTITY_RE.exec(src.slice(i, i + 12));
      if (m) {
        text += decodeEntity(m[1]);
        i += m[0].length;
        continue;
      }
    }
    text += c;
    i++;
  }
  flush();
}

// ---------------------------------------------------------------------------
// Owner links

// A Telegram start parameter: what reviewbot's owner link carries after ?start=.
const START_PARAMETER_RE = /^[A-Za-z0-9_-]{1,64}$/;
const TELEGRAM_HOSTS = new Set(['t.me', 'www.t.me', 'telegram.me', 'www.telegram.me', 'telegram.dog']);

// The start parameter of what the owner pasted: a t.me link (https://t.me/<bot>?start=P,
// with or without https://), a tg://resolve?domain=<bot>&start=P link, "/start P" or just P.
// Returns {parameter} or {error}.
function parseOwnerLink(input) {
  const s = String(input ?? '').trim();
  if (!s) return { error: 'Paste the owner link from reviewbot’s dashboard first.' };
  if (START_PARAMETER_RE.test(s)) return { parameter: s };
  const command = /^\/start(?:@[A-Za-z0-9_]+)?\s+(\S+)$/.exec(s);
  if (command) {
    return START_PARAMETER_RE.test(command[1]) ? { parameter: command[1] } : { error: badParameter(command[1]) };
  }
  let url = null;
  try {
    url = new URL(/^(?:www\.)?(?:t|telegram)\.(?:me|dog)\//i.test(s) ? `https://${s}` : s);
  } catch {
    url = null;
  }
  const telegram = url !== null && (
    ((url.protocol === 'https:' || url.protocol === 'http:') && TELEGRAM_HOSTS.has(url.hostname.toLowerCase())) ||
    (url.protocol === 'tg:' && /^\/*resolve$/i.test(url.host || url.pathname)));
  if (!telegram) {
    return { error: 'That is not a Telegram link: paste the owner link (https://t.me/<bot>?start=…) or just its parameter.' };
  }
  const parameter = url.searchParams.get('start');
  if (parameter === null || parameter === '') {
    return { error: 'That link has no start parameter (…?start=…): copy the owner link from reviewbot’s dashboard again.' };
  }
  return START_PARAMETER_RE.test(parameter) ? { parameter } : { error: badParameter(parameter) };
}

function badParameter(p) {
  return `“${p.slice(0, 80)}” is not a start parameter: it has 1–64 of A–Z, a–z, 0–9, _ and -.`;
}

// ---------------------------------------------------------------------------
// Small DOM helpers

function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'text') el.textContent = v;
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children) if (c) el.append(c);
  return el;
}

const AVATAR_COLORS = ['#e17076', '#faa774', '#a695e7', '#7bc862', '#6ec9cb', '#65aadd', '#ee7aae'];
function avatar(user) {
  const el = h('span', { class: 'avatar', 'aria-hidden': 'true', text: (user.first_name || '?').trim().charAt(0).toUpperCase() || '?' });
  el.style.background = AVATAR_COLORS[Math.abs(Number(user.id)) % AVATAR_COLORS.length];
  return el;
}

let toastTimer = null;
function toast(message, isError = false) {
  const el = $('toast');
  el.textContent = message;
  el.classList.toggle('error', isError);
  el.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { el.hidden = true; }, isError ? 5000 : 2500);
}

function setLive(on, text) {
  if (state.live === text) return;
  state.live = text;
  const el = $('live');
  el.textContent = text;
  el.classList.toggle('on', on);
  el.classList.toggle('off', !on);
}

function formatTime(unixSeconds) {
  if (!unixSeconds) return '';
  return new Date(unixSeconds * 1000).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

// ---------------------------------------------------------------------------
// Customers

function selectedUser() {
  return state.users.find((u) => u.id === state.userId) || null;
}

function isOwnerSelected() {
  const u = selectedUser();
  return u !== null && u.owner === true;
}

function userButton(u) {
  const current = u.id === state.userId;
  const sub = u.owner
    ? `alerts arrive here · id ${u.id}`
    : [u.language_code || '—', `id ${u.id}`].join(' · ');
  const label = u.owner
    ? `Chat as ${u.first_name} (owner — alerts arrive here)`
    : `Chat as ${u.first_name}`;
  const face = avatar(u);
  if (u.owner) {
    face.classList.add('owner-avatar');
    face.style.removeProperty('background');
  }
  return h('button', {
    type: 'button', class: u.owner ? 'customer owner' : 'customer', 'aria-current': current ? 'true' : 'false',
    'aria-label': `${label}${u.blocked ? ' (blocked the bot)' : ''}`,
    onclick: () => selectUser(u.id),
  }, face, h('span', { class: 'customer-text' },
    h('span', { class: 'customer-name', text: u.first_name },
      u.owner ? h('span', { class: 'tag owner-tag', text: 'Owner' }) : null,
      u.blocked ? h('span', { class: 'tag', text: 'blocked' }) : null),
    h('span', { class: 'customer-sub', text: sub })));
}

function renderUsers() {
  const owners = state.users.filter((u) => u.owner === true);
  const customers = state.users.filter((u) => u.owner !== true);
  $('owner-list').replaceChildren(...owners.map((u) => h('li', {}, userButton(u))));
  $('owner-section').hidden = owners.length === 0;
  $('customers').replaceChildren(...customers.map((u) => h('li', {}, userButton(u))));
  $('customers-empty').hidden = customers.length > 0;
}

async function loadUsers() {
  try {
    const r = await api('GET', '/_mock/users');
    if (!r.ok) return;
    const users = r.data.users || [];
    const key = JSON.stringify(users);
    if (key === state.usersKey) return;
    state.usersKey = key;
    state.users = users;
    renderUsers();
    renderHeader();
  } catch {
    // the transcript poll reports the connection state
  }
}

function renderHeader() {
  const u = selectedUser();
  const ready = u !== null;
  const owner = ready && u.owner === true;
  $('chat-subtitle').textContent = !ready
    ? 'pick or create a customer to play'
    : owner
      ? `bot · you are ${u.first_name}, the owner (id ${u.id}): reviewbot’s alerts arrive here`
      : `bot · you are ${u.first_name} (${u.language_code || 'no language'}, id ${u.id})`;
  $('reply-text').disabled = !ready;
  $('send').disabled = !ready;
  // The owner only receives alerts: no till for them, a connect form instead.
  $('till').hidden = owner;
  $('till-owner-note').hidden = !owner;
  $('till-send').disabled = !ready || owner;
  $('owner-connect').hidden = !owner;
}

function selectUser(id) {
  if (state.userId === id) return;
  state.userId = id;
  state.generation++;
  state.nodes.clear();
  state.seenAnswers.clear();
  state.answersPrimed = false;
  $('messages').replaceChildren();
  history.replaceState(null, '', id ? `#user=${id}` : '#');
  renderUsers();
  renderHeader();
  $('till-result').textContent = '';
  $('till-result').className = 'result';
  showConnectError('');
  $('owner-connect-done').textContent = '';
  pollChat();
  if (id) $('reply-text').focus({ preventScroll: true });
}

async function createUser(event) {
  event.preventDefault();
  const name = $('customer-name').value.trim();
  if (!name) return;
  const r = await api('POST', '/_mock/users', { name, language_code: $('customer-language').value });
  if (!r.ok) {
    toast(`Could not create the customer: ${errorText(r)}`, true);
    return;
  }
  $('customer-name').value = '';
  await loadUsers();
  selectUser(r.data.user_id);
}

// ---------------------------------------------------------------------------
// Chat

function messageNode(m) {
  const isUser = m.from !== 'bot';
  const bubble = h('div', { class: 'bubble' });
  if (m.parse_mode === 'HTML') appendTelegramHtml(bubble, m.text || '');
  else bubble.append(document.createTextNode(m.text || ''));
  bubble.append(h('span', { class: 'meta', text: `${m.edited ? 'edited ' : ''}${formatTime(m.date)}` }));
  const node = h('div', { class: `msg ${isUser ? 'user' : 'bot'}`, 'data-message-id': m.message_id }, bubble);
  const rows = m.inline_keyboard || [];
  if (!isUser && rows.length) {
    const kb = h('div', { class: 'keyboard', role: 'group', 'aria-label': 'Reply buttons' });
    for (const row of rows) {
      const rowEl = h('div', { class: 'keyboard-row' });
      for (const b of row) rowEl.append(keyboardButton(m.message_id, b));
      kb.append(rowEl);
    }
    node.append(kb);
  }
  return node;
}

function keyboardButton(messageId, b) {
  if (b.url) {
    const url = safeUrl(b.url);
    const a = h(url ? 'a' : 'span', { class: 'kb-button', href: url, target: url && '_blank', rel: url && 'noopener noreferrer' },
      document.createTextNode(b.text), h('span', { class: 'url-mark', 'aria-hidden': 'true', text: '↗' }));
    return a;
  }
  const button = h('button', { type: 'button', class: 'kb-button', text: b.text });
  button.addEventListener('click', () => press(messageId, b, button));
  return button;
}

async function press(messageId, b, button) {
  const userId = state.userId;
  button.classList.add('pending');
  button.disabled = true;
  try {
    const body = { message_id: messageId };
    if (b.callback_data !== undefined) body.callback_data = b.callback_data;
    else body.button_text = b.text;
    const r = await api('POST', `/_mock/users/${userId}/press`, body);
    if (!r.ok) toast(`Button press failed: ${errorText(r)}`, true);
  } catch (e) {
    toast(`Button press failed: ${e.message}`, true);
  } finally {
    button.classList.remove('pending');
    button.disabled = false;
  }
  pollChat();
}

function renderTranscript(t) {
  const box = $('messages');
  const nearBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 80;
  const messages = t.messages || [];
  const present = new Set();
  let appended = false;
  let previous = null;
  for (const m of messages) {
    present.add(m.message_id);
    const key = JSON.stringify([m.text, m.parse_mode, m.inline_keyboard, m.edited, m.date]);
    const known = state.nodes.get(m.message_id);
    if (known && known.key === key) {
      previous = known.node;
      continue;
    }
    const node = messageNode(m);
    if (known) {
      known.node.replaceWith(node);
      node.classList.add('flash');
    } else {
      if (previous) previous.after(node);
      else box.prepend(node);
      appended = true;
    }
    state.nodes.set(m.message_id, { key, node });
    previous = node;
  }
  for (const [id, known] of state.nodes) {
    if (!present.has(id)) {
      known.node.remove();
      state.nodes.delete(id);
    }
  }
  const empty = box.querySelector('.empty');
  if (messages.length === 0 && !empty) {
    const text = isOwnerSelected()
      ? `No messages yet. reviewbot alerts this chat about ratings of 1 or 2 once it knows it: connect with the owner link above, or set OWNER_CHAT_ID=${state.userId}.`
      : 'No messages yet. Ring up a sale in the Till, or write “thank you!” to the bot.';
    box.append(h('div', { class: 'empty', text }));
  } else if (messages.length > 0 && empty) {
    empty.remove();
  }
  if (appended || nearBottom) box.scrollTop = box.scrollHeight;

  // Callback answers with text pop up like Telegram's notifications, once each.
  for (const a of t.callback_answers || []) {
    if (!a.answered || state.seenAnswers.has(a.callback_query_id)) continue;
    state.seenAnswers.add(a.callback_query_id);
    if (state.answersPrimed && a.text) toast(a.text);
  }
  state.answersPrimed = true;
}

function renderNoCustomer() {
  const box = $('messages');
  if (!box.querySelector('.empty')) {
    box.replaceChildren(h('div', { class: 'empty', text: 'Create a customer or pick one to start chatting with the bot.' }));
  }
}

let pollTimer = null;
let pollInFlight = false;
let pollAgain = false;

async function pollChat() {
  clearTimeout(pollTimer);
  if (pollInFlight) {
    pollAgain = true;
    return;
  }
  pollInFlight = true;
  const generation = state.generation;
  try {
    if (state.userId === null) {
      renderNoCustomer();
      const r = await api('GET', '/_mock/users');
      setLive(r.ok, r.ok ? 'live' : 'offline');
    } else {
      const r = await api('GET', `/_mock/chats/${state.userId}`);
      if (generation === state.generation) {
        if (r.ok) {
          renderTranscript(r.data);
          setLive(true, 'live');
        } else if (r.status === 404) {
          setLive(true, 'live');
          toast('That customer no longer exists (the simulator restarted?)', true);
          selectUser(null);
        } else {
          setLive(false, 'offline');
        }
      }
    }
  } catch {
    setLive(false, 'offline');
  } finally {
    pollInFlight = false;
    pollTimer = setTimeout(pollChat, pollAgain ? 0 : POLL_MS);
    pollAgain = false;
  }
}

async function sendText(event) {
  event.preventDefault();
  const input = $('reply-text');
  const text = input.value;
  if (!text.trim() || state.userId === null) return;
  input.value = '';
  try {
    const r = await api('POST', `/_mock/users/${state.userId}/messages`, { text });
    if (!r.ok) {
      input.value = text;
      toast(`Not sent: ${errorText(r)}`, true);
    }
  } catch (e) {
    input.value = text;
    toast(`Not sent: ${e.message}`, true);
  }
  pollChat();
}

// ---------------------------------------------------------------------------
// Owner: connect to reviewbot with the owner link

function showConnectError(message) {
  $('owner-connect-error').textContent = message;
  $('owner-link').setAttribute('aria-invalid', message ? 'true' : 'false');
  if (message) $('owner-connect-done').textContent = '';
}

async function connectOwner(event) {
  event.preventDefault();
  const userId = state.userId;
  if (!isOwnerSelected()) return;
  const input = $('owner-link');
  const parsed = parseOwnerLink(input.value);
  if (parsed.error) {
    showConnectError(parsed.error);
    input.focus();
    return;
  }
  showConnectError('');
  $('owner-connect-done').textContent = '';
  const button = $('owner-connect-send');
  button.disabled = true;
  try {
    const r = await api('POST', `/_mock/users/${userId}/messages`, { text: `/start ${parsed.parameter}` });
    if (r.ok) {
      input.value = '';
      $('owner-connect-done').textContent = `Sent /start ${parsed.parameter} as the owner.`;
    } else {
      showConnectError(`Not sent: ${errorText(r)}`);
    }
  } catch (e) {
    showConnectError(`Not sent: ${e.message}`);
  } finally {
    button.disabled = false;
  }
  pollChat();
}

// ---------------------------------------------------------------------------
// Till

function showTillResult(kind, parts) {
  const el = $('till-result');
  el.className = `result ${kind}`;
  el.replaceChildren(...parts);
}

async function ringUpSale(event) {
  event.preventDefault();
  if (state.userId === null || isOwnerSelected()) return;
  const button = $('till-send');
  button.disabled = true;
  const sale = {
    user_id: state.userId,
    amount: Number($('till-amount').value),
    item: $('till-item').value.trim(),
    category: $('till-category').value.trim(),
  };
  try {
    const r = await api('POST', '/_mock/till', sale);
    if (r.data && typeof r.data === 'object' && 'status' in r.data && 'body' in r.data) {
      const body = r.data.body;
      const outcome = body && typeof body === 'object'
        ? [body.status, body.reason].filter(Boolean).join(': ') || body.error || JSON.stringify(body)
        : String(body);
      const kind = r.status >= 400 ? 'error' : (body && body.status === 'skipped' ? 'warn' : 'ok');
      showTillResult(kind, [
        h('strong', { text: `reviewbot ${r.data.status}` }),
        document.createTextNode(` · ${outcome}`),
        h('br'),
        h('code', { text: r.data.event ? r.data.event.id : '' }),
      ]);
    } else {
      showTillResult('error', [document.createTextNode(errorText(r))]);
    }
  } catch (e) {
    showTillResult('error', [document.createTextNode(e.message)]);
  } finally {
    button.disabled = state.userId === null || isOwnerSelected();
  }
  pollChat();
}

// ---------------------------------------------------------------------------
// Faults

function describeFault(f) {
  const parts = [f.status ? `${f.method || 'every method'} → ${f.status}` : (f.method || 'every method')];
  if (f.retry_after && f.status === 429) parts.push(`retry after ${f.retry_after} s`);
  if (f.latency_ms) parts.push(`+${f.latency_ms} ms`);
  if (f.hang) parts.push('hang');
  if (f.outage_seconds) parts.push(`outage ${f.outage_seconds} s`);
  if (f.drop_connection) parts.push('drop connection');
  if (f.rate !== undefined && f.rate < 1) parts.push(`${Math.round(f.rate * 100)}% of calls`);
  if (f.count !== undefined) parts.push(`${f.count} left`);
  return parts.join(' · ');
}

let faultsKey = '';
function renderFaults(faults) {
  const key = JSON.stringify(faults);
  if (key === faultsKey) return;
  faultsKey = key;
  const list = $('faults');
  list.replaceChildren();
  if (!faults.length) list.append(h('li', { class: 'none', text: 'None: the Bot API behaves.' }));
  for (const f of faults) list.append(h('li', { text: describeFault(f) }));
}

async function loadFaults() {
  try {
    const r = await api('GET', '/_mock/faults');
    if (r.ok) renderFaults(r.data.faults || []);
  } catch {
    // shown by the live indicator
  }
}

async function changeFaults(method, body) {
  try {
    const r = await api(method, '/_mock/faults', body);
    if (!r.ok) toast(`Fault not changed: ${errorText(r)}`, true);
    else renderFaults(r.data.faults || []);
  } catch (e) {
    toast(`Fault not changed: ${e.message}`, true);
  }
}

// ---------------------------------------------------------------------------

function start() {
  $('new-customer').addEventListener('submit', createUser);
  $('composer').addEventListener('submit', sendText);
  $('till').addEventListener('submit', ringUpSale);
  $('owner-connect').addEventListener('submit', connectOwner);
  $('owner-link').addEventListener('input', () => showConnectError(''));
  $('faults-clear').addEventListener('click', () => changeFaults('DELETE'));
  for (const b of document.querySelectorAll('[data-fault]')) {
    b.addEventListener('click', () => changeFaults('POST', JSON.parse(b.dataset.fault)));
  }
  // #user=<id> selects a customer, so a reload or a shared link keeps the chat.
  const followHash = () => {
    const m = /^#user=(\d+)$/.exec(location.hash);
    if (m && state.users.some((u) => u.id === Number(m[1]))) selectUser(Number(m[1]));
    else renderHeader();
  };
  window.addEventListener('hashchange', followHash);
  loadUsers().then(followHash);
  loadFaults();
  setInterval(loadUsers, SLOW_POLL_MS);
  setInterval(loadFaults, SLOW_POLL_MS);
  pollChat();
}

start();
