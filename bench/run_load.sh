#!/usr/bin/env bash
# Builds reviewbot, mock_platform and load_driver, starts mock_platform and reviewbot on
# free loopback ports (fresh SQLite database in a temp dir, wired by webhook), runs the
# load driver, prints its report and stops both processes by PID.
#
# Usage: bench/run_load.sh [--build-dir DIR] [--no-build] [--mock-threads N]
#                          [--db-dir DIR] [--database-url URL] [--instances N]
#                          [--mock-fault JSON]... [--mock-arg ARG]...
#                          [--sample-cpu]
#                          [load_driver flags...]
#   e.g. bench/run_load.sh --customers 1000 --concurrency 48
# load_driver flags default to --customers 20 --concurrency 4 (a quick smoke run).
# --db-dir puts the fresh SQLite database in a new temp dir under DIR (e.g. /dev/shm, to
# measure without disk flushes); default: under $TMPDIR or /tmp.
# --database-url runs reviewbot on that database instead (e.g. a fresh PostgreSQL schema:
# postgresql://…/db?options=-c%20search_path%3Dbench1); it must start empty.
# --instances N starts N reviewbots on that (PostgreSQL) database; the driver's workers
# take turns posting to each. CPU and memory figures then sum over the instances.
# --mock-fault adds a mock_platform fault rule from the start (see mock_platform/README.md).
# --mock-arg passes one more flag to mock_platform (e.g. --mock-arg --rate-limits).
# --sample-cpu prints both servers' CPU time used during the run and reviewbot's peak
# resident memory (from /proc).
# Exit status: the driver's (0 pass, 1 lost/duplicated flows, 2 usage), or 3 when the
# servers could not be started.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build_dir=$root/build
build=1
mock_threads=512
sample_cpu=0
db_parent=
database_url=
instances=1
mock_args=()
driver_args=()
while (($#)); do
  case $1 in
    --build-dir) build_dir=$2; shift 2 ;;
    --no-build) build=0; shift ;;
    --mock-threads) mock_threads=$2; shift 2 ;;
    --sample-cpu) sample_cpu=1; shift ;;
    --db-dir) db_parent=$2; shift 2 ;;
    --database-url) database_url=$2; shift 2 ;;
    --instances) instances=$2; shift 2 ;;
    --mock-fault) mock_args+=(--fault "$2"); shift 2 ;;
    --mock-arg) mock_args+=("$2"); shift 2 ;;
    *) driver_args+=("$1"); shift ;;
  esac
done
((${#driver_args[@]})) || driver_args=(--customers 20 --concurrency 4)
[[ $instances =~ ^[1-9][0-9]?$ ]] || { echo "run_load: --instances: expected 1..99" >&2; exit 2; }
if ((instances > 1)) && [[ $database_url != postgres* ]]; then
  echo "run_load: --instances $instances needs --database-url postgresql://… (one shared database)" >&2
  exit 2
fi

if ((build)); then
  cmake -S "$root" -B "$build_dir" >/dev/null
  make -C "$build_dir" -j2 reviewbot mock_platform load_driver >/dev/null
fi
for bin in reviewbot mock_platform/mock_platform bench/load_driver; do
  [[ -x $build_dir/$bin ]] || { echo "run_load: $build_dir/$bin is missing" >&2; exit 3; }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/reviewbot-load.XXXXXX")
db_dir=$work
[[ -z $db_parent ]] || db_dir=$(mktemp -d "$db_parent/reviewbot-load-db.XXXXXX")
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    # Give each 5 s to stop cleanly, then kill it.
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$work"
  [[ $db_dir == "$work" ]] || rm -rf "$db_dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

fail_start() {
  echo "run_load: $1" >&2
  for log in "$work"/*.log; do echo "--- $log" >&2; tail -n 20 "$log" >&2; done
  exit 3
}

# GET http://127.0.0.1:PORT/PATH with bash alone; prints the response, fails unless 200.
http_get() (
  port=$1 path=$2
  exec 3<>"/dev/tcp/127.0.0.1/$port" || exit 1
  printf 'GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' "$path" >&3
  response=$(timeout 2 cat <&3) || true
  [[ $response == "HTTP/1.1 200"* ]] || exit 1
  printf '%s\n' "$response"
)

# Polls until GET PORT PATH answers 200 or the process `pid` exits, for at most 10 s.
wait_http() {
  local port=$1 path=$2 pid=$3
  for _ in $(seq 100); do
    http_get "$port" "$path" >/dev/null 2>&1 && return 0
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}

# mock_platform picks its own free port and logs it.
"$build_dir/mock_platform/mock_platform" --port 0 --threads "$mock_threads" "${mock_args[@]}" \
  >"$work/mock.log" 2>&1 &
mock_pid=$!
pids+=("$mock_pid")
mock_port=
for _ in $(seq 100); do
  mock_port=$(grep -o '"port":[0-9]*' "$work/mock.log" 2>/dev/null | head -n1 | cut -d: -f2) || true
  [[ -n $mock_port ]] && break
  kill -0 "$mock_pid" 2>/dev/null || break
  sleep 0.1
done
[[ -n $mock_port ]] || fail_start "mock_platform did not start"
mock_url=http://127.0.0.1:$mock_port
wait_http "$mock_port" /_mock/stats "$mock_pid" || fail_start "mock_platform is not answering"

# Each reviewbot's port goes into its PUBLIC_URL before it starts: pick a free one, retry
# if taken. Instances share the database (and INSTANCE_ID tells them apart); each registers
# its own webhook URL, so mock_platform sends updates to the last one started, while events
# from the driver go to every instance in turn.
admin_token=load-admin-$RANDOM$RANDOM
reviewbot_pids=()
reviewbot_urls=()
start_reviewbot() {
  local n=$1 port pid
  for _ in 1 2 3 4 5; do
    port=$((20000 + RANDOM % 40000))
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && continue  # someone listens there
    PORT=$port \
    DATABASE_URL="${database_url:-sqlite://$db_dir/reviewbot.db}" \
    INSTANCE_ID=load-$n \
    TELEGRAM_BOT_TOKEN=123456:load-token \
    TELEGRAM_API_URL=$mock_url \
    TELEGRAM_WEBHOOK_SECRET=load-webhook-secret \
    PUBLIC_URL=http://127.0.0.1:$port \
    ADMIN_TOKEN=$admin_token \
    TEMPLATES_DIR=$root/templates \
    BUSINESS_NAME="Load Cafe" \
    REVIEW_URL=https://example.com/review \
    REQUEST_DELAY=0 QUIET_HOURS= REMINDER_AFTER=0 \
    LOG_LEVEL=warn LOG_FORMAT=json \
      "$build_dir/reviewbot" >"$work/reviewbot-$n.log" 2>&1 &
    pid=$!
    if wait_http "$port" /readyz "$pid"; then
      pids+=("$pid")
      reviewbot_pids+=("$pid")
      reviewbot_urls+=("http://127.0.0.1:$port")
      return 0
    fi
    kill -TERM "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  return 1
}
for n in $(seq "$instances"); do
  start_reviewbot "$n" || fail_start "reviewbot instance $n did not start"
done

# The webhook is registered at start; wait until mock_platform shows it.
for _ in $(seq 100); do
  http_get "$mock_port" /bot123456:load-token/getWebhookInfo 2>/dev/null | grep -q '"url":"http' &&
    break
  sleep 0.1
done

# CPU ticks (user + system) of the given PIDs, summed.
cpu_ticks() {
  local pid sum=0
  for pid in "$@"; do sum=$((sum + $(awk '{print $14 + $15}' "/proc/$pid/stat"))); done
  echo "$sum"
}
if ((sample_cpu)); then
  mock_cpu0=$(cpu_ticks "$mock_pid") bot_cpu0=$(cpu_ticks "${reviewbot_pids[@]}") t0=$(date +%s.%N)
fi

run_driver() {
  local url targets=()
  for url in "${reviewbot_urls[@]}"; do targets+=(--reviewbot "$url"); done
  "$build_dir/bench/load_driver" --mock "$mock_url" "${targets[@]}" \
    --admin-token "$admin_token" "${driver_args[@]}"
}
status=0
if ((sample_cpu)); then
  TIMEFORMAT=$'\ncpu: load_driver %U s user + %S s sys over %R s'
  time run_driver || status=$?
else
  run_driver || status=$?
fi

if ((sample_cpu)); then
  hz=$(getconf CLK_TCK)
  t1=$(date +%s.%N)
  awk -v m0="$mock_cpu0" -v m1="$(cpu_ticks "$mock_pid")" -v b0="$bot_cpu0" \
      -v b1="$(cpu_ticks "${reviewbot_pids[@]}")" -v t0="$t0" -v t1="$t1" -v hz="$hz" 'BEGIN {
    wall = t1 - t0
    printf "cpu: reviewbot %.1f s, mock_platform %.1f s over %.1f s (%.0f%% and %.0f%% of one core)\n",
      (b1 - b0) / hz, (m1 - m0) / hz, wall, 100 * (b1 - b0) / hz / wall, 100 * (m1 - m0) / hz / wall }'
  for n in "${!reviewbot_pids[@]}"; do
    awk -v n=$((n + 1)) -v of="$instances" '/^VmHWM/ {
      printf "memory: reviewbot %speak RSS %.1f MiB\n", (of > 1 ? n "/" of " " : ""), $2 / 1024 }' \
      "/proc/${reviewbot_pids[$n]}/status"
  done
fi
if ((status != 0)); then
  for log in "$work"/reviewbot-*.log; do
    echo "--- $(basename "$log") (last 20 lines)"; tail -n 20 "$log"
  done
fi
exit "$status"
