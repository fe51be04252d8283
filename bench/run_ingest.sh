#!/usr/bin/env bash
# Webhook ingest with one or more reviewbot instances on one database: N reviewbots share
# DATABASE_URL and the fake Bot API (the perf kit's sink), and N wrk processes, one per
# instance, post new private-chat "Thank you so much!" updates (the perf kit's load.lua)
# for the same time. Prints each instance's and the total acknowledged rate, latency, errors
# and peak memory. It is ../shared/perf/compare.sh's reviewbot measurement spread over
# instances, as a load balancer would spread Telegram's connections; use compare.sh for the
# side-by-side with the peer and the machine's ceiling.
#
# Usage: bench/run_ingest.sh [--instances N] [--database-url URL] [--conns C]
#                            [--duration S] [--warmup S] [--chats N]
#                            [--build-dir DIR] [--no-build] [--perf-dir DIR]
#   --instances N     reviewbots to start (default 1); N > 1 needs a PostgreSQL URL
#   --database-url U  the database every instance uses; it must start empty (e.g. a fresh
#                     schema: postgresql://…/db?options=-c%20search_path%3Dingest1).
#                     Default: a fresh SQLite file (one instance only)
#   --conns C         wrk connections over all instances (default 64)
#   --duration S      measured seconds (default 10), after --warmup S (default 2)
#   --chats N         distinct chats per instance's load (default 2000000)
#   --perf-dir DIR    the perf kit (default ../shared/perf next to the repo); its build.sh
#                     builds the sink into $OUT_DIR (default /tmp/rb-perf)
# Needs wrk (apt-get install -y wrk). Exit status: 0 when every instance answered only 2xx,
# 1 when any request failed, 2 bad usage, 3 when the servers could not be started.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build_dir=$root/build
build=1
instances=1
database_url=
conns=64
duration=10
warmup=2
chats=2000000
perf_dir=$root/../shared/perf
usage() { sed -n '/^# Usage:/,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit "${1:-2}"; }
while (($#)); do
  case $1 in
    --instances) instances=$2; shift 2 ;;
    --database-url) database_url=$2; shift 2 ;;
    --conns) conns=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --warmup) warmup=$2; shift 2 ;;
    --chats) chats=$2; shift 2 ;;
    --build-dir) build_dir=$2; shift 2 ;;
    --no-build) build=0; shift ;;
    --perf-dir) perf_dir=$2; shift 2 ;;
    -h | --help) usage 0 ;;
    *) usage ;;
  esac
done
for n in "$instances" "$conns" "$duration" "$warmup" "$chats"; do
  [[ $n =~ ^[1-9][0-9]*$ ]] || usage
done
((conns >= instances)) || { echo "run_ingest: --conns must be at least --instances" >&2; exit 2; }
if ((instances > 1)) && [[ $database_url != postgres* ]]; then
  echo "run_ingest: --instances $instances needs --database-url postgresql://… (one shared database)" >&2
  exit 2
fi
command -v wrk >/dev/null || { echo "run_ingest: wrk not found (apt-get install -y wrk)" >&2; exit 2; }
[[ -x $perf_dir/build.sh && -f $perf_dir/load.lua ]] ||
  { echo "run_ingest: no perf kit at $perf_dir (--perf-dir)" >&2; exit 2; }
out_dir=${OUT_DIR:-/tmp/rb-perf}

if ((build)); then
  cmake -S "$root" -B "$build_dir" >/dev/null
  make -C "$build_dir" -j2 reviewbot >/dev/null
  OUT_DIR=$out_dir "$perf_dir/build.sh" >/dev/null
fi
[[ -x $build_dir/reviewbot ]] || { echo "run_ingest: $build_dir/reviewbot is missing" >&2; exit 3; }
[[ -x $out_dir/sink ]] || { echo "run_ingest: $out_dir/sink is missing" >&2; exit 3; }

work=$(mktemp -d "${TMPDIR:-/tmp}/reviewbot-ingest.XXXXXX")
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

fail_start() {
  echo "run_ingest: $1" >&2
  for log in "$work"/*.log; do echo "--- $log" >&2; tail -n 20 "$log" >&2; done
  exit 3
}
free_port() {
  local port
  while :; do
    port=$((20000 + RANDOM % 40000))
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; return; }
  done
}
# Waits up to 20 s for GET http://127.0.0.1:PORT/healthz to answer while `pid` lives.
wait_up() {
  for _ in $(seq 200); do
    curl -fs -m 1 -o /dev/null "http://127.0.0.1:$1/healthz" && return 0
    kill -0 "$2" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}

secret=ingest-secret-0123456789
token=123456:ingest-token
sink_port=$(free_port)
PORT=$sink_port "$out_dir/sink" >"$work/sink.log" 2>&1 &
sink_pid=$!
pids+=("$sink_pid")
wait_up "$sink_port" "$sink_pid" || fail_start "the sink did not start"

ports=() bot_pids=()
for n in $(seq "$instances"); do
  port=$(free_port)
  env PORT="$port" DATABASE_URL="${database_url:-sqlite://$work/reviewbot.db}" \
    INSTANCE_ID="ingest-$n" TELEGRAM_API_URL="http://127.0.0.1:$sink_port" \
    TELEGRAM_BOT_TOKEN="$token" TELEGRAM_WEBHOOK_SECRET="$secret" ADMIN_TOKEN=ingest-admin \
    QUIET_HOURS='' TEMPLATES_DIR="$root/templates" LOG_LEVEL=warn \
    "$build_dir/reviewbot" >"$work/reviewbot-$n.log" 2>&1 &
  pid=$!
  pids+=("$pid")
  wait_up "$port" "$pid" || fail_start "reviewbot instance $n did not start"
  ports+=("$port") bot_pids+=("$pid")
done

# One wrk per instance, started together; update ids and chats never overlap between
# instances or phases (load.lua: update k = id_base + k from chat chat_base + k % chats).
per_conns=$((conns / instances))
run_wrk() { # phase seconds extra-wrk-flags...
  local phase=$1 seconds=$2 i wrk_pids=()
  shift 2
  for i in "${!ports[@]}"; do
    local slot=$((phase * instances + i))
    timeout $((seconds + 30)) wrk -t1 -c"$per_conns" -d"${seconds}s" --timeout 5s "$@" \
      -s "$perf_dir/load.lua" "http://127.0.0.1:${ports[$i]}/webhook/telegram" -- \
      "$secret" "$chats" $((100000000 + slot * 100000000)) $((5000000000 + slot * chats)) 1 \
      >"$work/wrk-$phase-$i.txt" 2>&1 &
    wrk_pids+=($!)
  done
  local status=0
  for pid in "${wrk_pids[@]}"; do wait "$pid" || status=1; done
  return "$status"
}
run_wrk 0 "$warmup" || echo "run_ingest: warm-up wrk failed" >&2
sleep 1
run_wrk 1 "$duration" --latency || echo "run_ingest: wrk failed" >&2

python3 - "$work" "$instances" "$per_conns" "$duration" "${bot_pids[@]}" <<'EOF'
import json, sys
work, instances, per_conns, duration = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
pids = sys.argv[5:]
def hwm(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0
total_ok = total_bad = 0
failed = False
print(f"webhook ingest: {instances} instance(s), {per_conns} connections each, {duration} s")
print(f"{'instance':>8} {'ok req/s':>9} {'non-2xx':>8} {'errors':>7} {'p50 ms':>7} {'p99 ms':>7} {'max ms':>7} {'peak RSS MB':>11}")
for i, pid in enumerate(pids):
    text = open(f"{work}/wrk-1-{i}.txt").read()
    line = next((l for l in text.splitlines() if l.startswith("WRKJSON ")), None)
    if line is None:
        print(f"{i + 1:>8} wrk printed no result:\n{text}")
        failed = True
        continue
    r = json.loads(line[len("WRKJSON "):])
    seconds = r["duration_us"] / 1e6
    errors = r["connect"] + r["read"] + r["write"] + r["timeout"]
    ok = (r["requests"] - r["non2xx"]) / seconds
    total_ok += ok
    total_bad += r["non2xx"] + errors
    print(f"{i + 1:>8} {ok:>9.0f} {r['non2xx']:>8} {errors:>7} {r['p50_us'] / 1000:>7.1f} "
          f"{r['p99_us'] / 1000:>7.1f} {r['max_us'] / 1000:>7.1f} {hwm(pid):>11.1f}")
print(f"{'total':>8} {total_ok:>9.0f} {total_bad:>8}")
sys.exit(1 if failed or total_bad else 0)
EOF
