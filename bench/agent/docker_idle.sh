#!/usr/bin/env bash
# The agent's idle cost with the Docker input following N quiet containers and host metrics on
# (every scraper, containers included), shipping to a real collector: CPU share of one core and
# RSS over a measurement window, after everything written at start was shipped. Figures in
# docs/performance.md ("Agent").
#
#   bench/agent/docker_idle.sh [BUILD_DIR] [--containers 10] [--seconds 30] [--runs 3]
#
# Starts its own Docker engine with ../shared/tools/docker-sandbox.sh (or $NIGHTJAR_DOCKER_SANDBOX),
# which installs what it needs; needs root. Prints one line per run and the medians.
set -euo pipefail
cd "$(dirname "$0")/../.."

build=build/release
containers=10
seconds=30
runs=3
if (($# > 0)) && [[ $1 != --* ]]; then build=$1; shift; fi
while (($# > 0)); do
  case $1 in
    --containers) containers=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
agent=$build/agent/nightjar-agent
collector=$build/collector/nightjar-collector
sandbox=${NIGHTJAR_DOCKER_SANDBOX:-$(pwd)/../shared/tools/docker-sandbox.sh}
[[ -x $agent && -x $collector ]] || { echo "build $agent and $collector first" >&2; exit 2; }

work=$(mktemp -d /tmp/nj-dbench-XXXXXX)
engine=$work/engine
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  "$sandbox" stop "$engine" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

eval "$("$sandbox" start "$engine")"  # DOCKER_HOST, NIGHTJAR_DOCKER_ROOT
for i in $(seq 1 "$containers"); do
  docker run -d --network none --name "nj-idle-$i" nightjar-test/busybox:latest \
    sh -c 'seq 1 100; sleep 1000000' >/dev/null
done

"$collector" --data-dir "$work/collector" --listen-address 127.0.0.1:0 \
  --api-address 127.0.0.1:0 --ports-file "$work/ports.json" >"$work/collector.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do [[ -s $work/ports.json ]] && break; sleep 0.1; done
otlp=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["otlp"])' "$work/ports.json")
api=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["api"])' "$work/ports.json")

# Checks that the run measured an agent that works: every container's 100 lines and the
# containers' metrics reached the collector.
check_shipped() {
  python3 - "$api" "$containers" <<'PY'
import json, sys, urllib.request
api, n = sys.argv[1], int(sys.argv[2])
get = lambda path: json.load(urllib.request.urlopen(f"http://127.0.0.1:{api}{path}"))
names = {m["name"] for m in get("/api/v1/metrics?limit=1000")["metrics"]}
missing = {"container.cpu.time", "container.memory.usage", "system.cpu.time"} - names
short = {}
for i in range(1, n + 1):
    logs = get(f"/api/v1/logs?resource.container.name=nj-idle-{i}&limit=1000")["logs"]
    if len(logs) < 100:
        short[f"nj-idle-{i}"] = len(logs)
if missing or short:
    sys.exit(f"not everything was shipped: metrics missing {sorted(missing)}, "
             f"containers with fewer than 100 records {short}")
PY
}

# Jiffies of user+system time of process $1.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
hz=$(getconf CLK_TCK)

cpu_results=()
rss_results=()
for run in $(seq 1 "$runs"); do
  state=$work/state-$run
  cat >"$work/agent.yaml" <<EOF
state_dir: $state
inputs:
  - {name: containers, type: docker, socket: "${DOCKER_HOST#unix://}", data_root: "$NIGHTJAR_DOCKER_ROOT"}
host_metrics:
  enabled: true
  scrapers: [cpu, memory, load, disk, filesystem, network, paging, processes, containers]
  containers: {docker_data_root: "$NIGHTJAR_DOCKER_ROOT"}
exporter: {endpoint: "http://127.0.0.1:$otlp"}
EOF
  "$agent" --config "$work/agent.yaml" >"$work/agent-$run.log" 2>&1 &
  pid=$!
  # Everything the containers wrote at start is shipped well within this.
  sleep 10
  before=$(cpu_ticks "$pid")
  sleep "$seconds"
  after=$(cpu_ticks "$pid")
  rss_kib=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status")
  check_shipped
  kill "$pid"
  wait "$pid" || true
  cpu=$(python3 -c "print(f'{100 * ($after - $before) / $hz / $seconds:.3f}')")
  rss=$(python3 -c "print(f'{$rss_kib / 1024:.1f}')")
  echo "run $run: $containers containers, host metrics every 10 s: $cpu% of a core, RSS $rss MiB"
  cpu_results+=("$cpu")
  rss_results+=("$rss")
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
echo "median over $runs runs: $(median "${cpu_results[@]}")% of a core, RSS $(median "${rss_results[@]}") MiB"
