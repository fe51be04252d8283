// Starts mock_platform and reviewbot on free loopback ports and headless Debian chromium
// for the browser tests, and always stops what it started (by PID).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const paths = {
  mockPlatform: process.env.MOCK_PLATFORM_BIN || path.join(repoRoot, 'build/mock_platform/mock_platform'),
  reviewbot: process.env.REVIEWBOT_BIN || path.join(repoRoot, 'build/reviewbot'),
  templates: process.env.REVIEWBOT_TEMPLATES_DIR || path.join(repoRoot, 'templates'),
  chromium: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
  artifacts: path.resolve(process.env.BROWSER_ARTIFACTS_DIR || path.join(repoRoot, 'build/browser-artifacts')),
};

export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// A port that was free a moment ago: the processes need theirs before they start
// (reviewbot's PUBLIC_URL names its own port).
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

// Polls `probe` until it returns a truthy value or `timeoutMs` passes.
export async function eventually(probe, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs;
  let lastError = null;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (e) {
      lastError = e;
    }
    await sleep(100);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${lastError.message}` : ''}`);
}

const children = new Set();
const tempDirs = new Set();

// A fresh temporary directory, removed at exit (or earlier by removeTempDir).
export function tempDir(prefix) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  tempDirs.add(dir);
  return dir;
}

export function removeTempDir(dir) {
  fs.rmSync(dir, { recursive: true, force: true });
  tempDirs.delete(dir);
}

// Last-resort cleanup when the test process ends without stopping what it started (a
// crash, or CTest's timeout signalling it): kill the children by PID.
function killChildren() {
  for (const child of children) {
    try { process.kill(child.pid, 'SIGKILL'); } catch { /* already gone */ }
  }
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
}
process.on('exit', killChildren);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    killChildren();
    process.exit(128 + (signal === 'SIGINT' ? 2 : 15));
  });
}

// Spawns `bin` with `args` and `env`, logging its output to <artifacts>/<name>.log, and
// resolves once a JSON log line says {"msg":"listening","port":N}.
export async function startProcess(name, bin, args, env, timeoutMs = 20000) {
  fs.mkdirSync(paths.artifacts, { recursive: true });
  const logPath = path.join(paths.artifacts, `${name}.log`);
  const log = fs.createWriteStream(logPath);
  const child = spawn(bin, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => {
    children.delete(child);
    resolve({ code, signal });
  }));
  const proc = { name, child, pid: child.pid, logPath, exited };

  let buffered = '';
  let onListening;
  const listening = new Promise((resolve) => { onListening = resolve; });
  const scan = (chunk) => {
    log.write(chunk);
    buffered += chunk.toString();
    let nl;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      try {
        const j = JSON.parse(line);
        if (typeof j.msg === 'string' && j.msg.includes('listening') && j.port) onListening(j.port);
      } catch { /* not a JSON line */ }
    }
  };
  child.stdout.on('data', scan);
  child.stderr.on('data', (chunk) => log.write(chunk));
  child.once('error', (e) => onListening(Promise.reject(e)));

  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${name} did not log "listening" within ${timeoutMs} ms (log: ${logPath})`)), timeoutMs);
  });
  const died = exited.then(({ code, signal }) => {
    throw new Error(`${name} exited early (code ${code}, signal ${signal}); log: ${logPath}`);
  });
  try {
    proc.port = await Promise.race([listening, timeout, died]);
  } catch (e) {
    await stopProcess(proc);
    throw e;
  } finally {
    clearTimeout(timer);
    died.catch(() => {});
  }
  return proc;
}

// SIGTERM, then SIGKILL after `graceMs`; resolves when the process is gone.
export async function stopProcess(proc, graceMs = 5000) {
  if (!proc || proc.child.exitCode !== null || proc.child.signalCode !== null) return;
  try { process.kill(proc.pid, 'SIGTERM'); } catch { return; }
  const stopped = await Promise.race([proc.exited.then(() => true), sleep(graceMs).then(() => false)]);
  if (!stopped) {
    try { process.kill(proc.pid, 'SIGKILL'); } catch { /* gone */ }
    await proc.exited;
  }
}

// mock_platform + reviewbot wired by webhook, as scripts/run does, on fresh ports and a
// fresh SQLite database. Returns {mockUrl, reviewbotUrl, adminToken, stop()}.
export async function startStack() {
  const tmp = tempDir('reviewbot-browser-');
  const [mockPort, reviewbotPort] = [await freePort(), await freePort()];
  const adminToken = 'browser-test-admin-token';
  const botToken = '123456:browser-test';
  const mockUrl = `http://127.0.0.1:${mockPort}`;
  const reviewbotUrl = `http://127.0.0.1:${reviewbotPort}`;
  const baseEnv = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: tmp, TZ: 'UTC' };
  const procs = [];
  const stop = async () => {
    for (const p of procs.reverse()) await stopProcess(p);
    removeTempDir(tmp);
  };
  try {
    procs.push(await startProcess('mock_platform', paths.mockPlatform, [
      '--port', String(mockPort),
      '--reviewbot-url', reviewbotUrl,
      '--reviewbot-admin-token', adminToken,
      '--threads', '32',
      '--keep-alive-seconds', '2',
    ], baseEnv));
    procs.push(await startProcess('reviewbot', paths.reviewbot, [], {
      ...baseEnv,
      PORT: String(reviewbotPort),
      TELEGRAM_BOT_TOKEN: botToken,
      TELEGRAM_API_URL: mockUrl,
      TELEGRAM_WEBHOOK_SECRET: 'browser-test-webhook-secret',
      PUBLIC_URL: reviewbotUrl,
      ADMIN_TOKEN: adminToken,
      BUSINESS_NAME: 'Corner Cafe',
      REVIEW_URL: 'https://example.com/review-us',
      QUIET_HOURS: '',
      LOG_FORMAT: 'json',
      DATABASE_URL: `sqlite://${path.join(tmp, 'r.db')}`,
      TEMPLATES_DIR: paths.templates,
    }));
    // reviewbot registers its webhook at start; updates must not wait for getUpdates.
    await eventually(async () => {
      const r = await fetch(`${mockUrl}/bot${botToken}/getWebhookInfo`);
      const j = await r.json();
      return j.ok && j.result.url === `${reviewbotUrl}/webhook/telegram`;
    }, 15000, 'reviewbot to set its webhook');
  } catch (e) {
    await stop();
    throw e;
  }
  return { mockUrl, reviewbotUrl, adminToken, procs, stop };
}
