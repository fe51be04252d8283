#!/usr/bin/env bash
# The burst benchmark: 1,000 sale events posted at once to reviewbot, then the review
# requests sent through mock_platform enforcing Telegram's flood limits (--rate-limits).
# Prints acknowledgement latency, the send-rate curve, 429s, lost and duplicated counts,
# CPU and peak memory. Fails (exit 1) if anything was lost, duplicated or throttled.
#
# Usage: bench/run_burst.sh [run_load.sh flags] [load_driver flags]
#   defaults --customers 1000 --concurrency 64 --timeout-s 180; flags given override them.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
exec "$here/run_load.sh" --mock-arg --rate-limits --sample-cpu --burst \
  --customers 1000 --concurrency 64 --timeout-s 180 "$@"
