#!/usr/bin/env bash
# The burst benchmark in small on two reviewbot instances sharing one PostgreSQL: the
# server named by REVIEWBOT_TEST_POSTGRES_URL (scripts/test starts one), in a schema of its
# own that is dropped afterwards. Usage: bench/smoke_instances.sh [run_burst.sh flags]
# Exit 77 (skipped) without that variable, except in CI, where it fails.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
url=${REVIEWBOT_TEST_POSTGRES_URL:-}
if [[ -z $url ]]; then
  echo "smoke_instances: REVIEWBOT_TEST_POSTGRES_URL is not set" >&2
  [[ ${CI:-} == true || ${CI:-} == 1 ]] && exit 1
  exit 77
fi
schema=burst_smoke_$$_$RANDOM
psql -qX -v ON_ERROR_STOP=1 "$url" -c "CREATE SCHEMA $schema"
trap 'psql -qX "$url" -c "DROP SCHEMA $schema CASCADE" >/dev/null 2>&1 || true' EXIT
sep='?'
[[ $url == *\?* ]] && sep='&'
"$here/run_burst.sh" --instances 2 \
  --database-url "$url${sep}options=-c%20search_path%3D$schema" "$@"
