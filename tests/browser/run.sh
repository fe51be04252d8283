#!/usr/bin/env bash
# Runs the browser tests (chat_page.test.mjs: mock_platform's chat page; dashboard.test.mjs:
# the owner's dashboard) with headless Debian chromium.
# Exits 77 (CTest's "skipped") when node or chromium is missing, unless
# REVIEWBOT_BROWSER_TESTS=1 says the test is required (scripts/test sets it in CI).
# Installs tests/browser/node_modules with `npm ci` (the committed lockfile) when absent.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
chromium=${CHROMIUM_PATH:-/usr/bin/chromium}
required=${REVIEWBOT_BROWSER_TESTS:-0}

skip() {
  if [[ $required == 1 ]]; then
    echo "browser test: $1, but REVIEWBOT_BROWSER_TESTS=1 requires it" >&2
    exit 1
  fi
  echo "SKIP browser test: $1 (install it, or run REVIEWBOT_BROWSER_TESTS=1 scripts/test)"
  exit 77
}

command -v node >/dev/null 2>&1 || skip "node is not installed"
node_major=$(node -p 'process.versions.node.split(".")[0]')
((node_major >= 18)) || skip "node $(node --version) is older than 18"
[[ -x $chromium ]] || skip "$chromium is not installed (Debian package chromium)"

if [[ ! -f $here/node_modules/playwright-core/package.json ]]; then
  command -v npm >/dev/null 2>&1 || skip "npm is not installed"
  echo "browser test: npm ci --prefix $here"
  if ! npm ci --prefix "$here" --no-audit --no-fund --loglevel=error; then
    skip "npm ci failed (is the npm registry reachable?)"
  fi
fi

export CHROMIUM_PATH=$chromium
cd "$here"
exec node --test --test-reporter=spec chat_page.test.mjs dashboard.test.mjs
