#!/usr/bin/env bash
# Runs each libFuzzer target of tests/fuzz for a bounded time and keeps what it finds:
#   tests/fuzz/run.sh BUILD_DIR SECONDS [TARGET...]
# BUILD_DIR is a fuzz tree (.ci/build fuzz -> build/fuzz); the targets default to all of them,
# one after the other, so the run takes about targets x SECONDS.
#
# Each target fuzzes a copy of its seed corpus (corpus/<target>/) and of its saved reproducers
# (regressions/<target>/) in a temporary directory, so the repository is never changed by the
# fuzzing itself. A crash, failed oracle, timeout, leak or out-of-memory input is copied into
# regressions/<target>/ under a name that says what failed; fuzz_regression_test (built in the
# non-fuzz trees) then replays it on every test run. Exits non-zero, after running every target,
# when any target failed.
set -uo pipefail

targets_all=(
  fuzz_decode_logs_proto fuzz_decode_logs_json
  fuzz_decode_metrics_proto fuzz_decode_metrics_json
  fuzz_decode_traces_proto fuzz_decode_traces_json
  fuzz_decode_response_proto fuzz_decode_response_json
  fuzz_decode_rpc_status_proto fuzz_decode_rpc_status_json
  fuzz_gzip_decompress
  fuzz_docker_http fuzz_docker_json_log
)

if (($# < 2)) || ! [[ $2 =~ ^[0-9]+$ ]] || (($2 == 0)); then
  echo "usage: $0 BUILD_DIR SECONDS [TARGET...]" >&2
  exit 2
fi
build_dir=$1
seconds=$2
shift 2
targets=("$@")
((${#targets[@]} > 0)) || targets=("${targets_all[@]}")

fuzz_dir=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/nightjar-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT

# UBSan reports count as crashes (libFuzzer itself catches ASan reports and leaks); ubsan.supp
# says which third-party reports do not. Options the caller sets come last and win.
ubsan_options="halt_on_error=1:print_stacktrace=1:suppressions=$fuzz_dir/ubsan.supp"
export UBSAN_OPTIONS=$ubsan_options${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}

# Prints the last value of libFuzzer's progress field `name` (cov, ft, corp) in a log.
progress() { grep -oE "[[:space:]]$1: [0-9]+" "$2" | tail -n 1 | grep -oE '[0-9]+$' || true; }
# Prints the value of a -print_final_stats line.
stat() { sed -n "s/^stat::$1:[[:space:]]*//p" "$2" | tail -n 1; }

# Turns the first line that says what went wrong into a short file-name-safe slug.
reason() {
  local log=$1 kind=$2 line
  if line=$(grep -m1 -oE 'ORACLE FAILED: [a-z0-9-]+' "$log"); then
    echo "${line#ORACLE FAILED: }"
  elif line=$(grep -m1 -oE 'ERROR: AddressSanitizer: [a-z-]+' "$log"); then
    echo "asan-${line##* }"
  elif line=$(grep -m1 -oE 'runtime error: [a-zA-Z -]+' "$log"); then
    line=${line#runtime error: }
    line=$(echo "$line" | tr 'A-Z ' 'a-z-' | tr -s '-' | cut -c1-40)
    echo "ubsan-${line%-}"
  elif grep -q 'ERROR: LeakSanitizer' "$log"; then
    echo leak
  elif grep -q 'ERROR: libFuzzer: deadly signal' "$log"; then
    echo deadly-signal
  else
    echo "$kind"
  fi
}

failed=()
printf '%-30s %12s %8s %7s %7s %7s  %s\n' target runs exec/s cov ft corpus result
for target in "${targets[@]}"; do
  binary=$build_dir/tests/fuzz/$target
  seeds=$fuzz_dir/corpus/$target
  if [[ ! -x $binary ]]; then
    printf '%-30s %s\n' "$target" "ERROR: $binary is not built (.ci/build fuzz)"
    failed+=("$target")
    continue
  fi
  if [[ ! -d $seeds ]] || [[ -z $(ls -A "$seeds") ]]; then
    printf '%-30s %s\n' "$target" "ERROR: no seeds in $seeds (run fuzz_corpus_generator)"
    failed+=("$target")
    continue
  fi

  dir=$work/$target
  mkdir -p "$dir/corpus" "$dir/regressions" "$dir/artifacts"
  cp -R "$seeds/." "$dir/corpus/"
  if [[ -d $fuzz_dir/regressions/$target ]]; then
    cp -R "$fuzz_dir/regressions/$target/." "$dir/regressions/"
  fi
  args=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
        -artifact_prefix="$dir/artifacts/")
  [[ $target == *_json ]] && args+=(-dict="$fuzz_dir/otlp_json.dict")
  log=$dir/fuzz.log
  # libFuzzer stops itself after -max_total_time; the outer limit only guards against a hang.
  timeout --kill-after=30 $((seconds + 300)) \
    "$binary" "${args[@]}" "$dir/corpus" "$dir/regressions" >"$log" 2>&1
  rc=$?

  runs=$(stat number_of_executed_units "$log")
  speed=$(stat average_exec_per_sec "$log")
  result=ok
  found=()
  for artifact in "$dir"/artifacts/*; do
    [[ -f $artifact ]] || continue
    name=$(basename "$artifact")
    kind=${name%%-*}
    [[ $kind == slow ]] && continue  # slow-unit reports are informational
    sha=$(sha1sum "$artifact" | cut -c1-12)
    dest=$fuzz_dir/regressions/$target/$kind-$(reason "$log" "$kind")-$sha
    mkdir -p "$fuzz_dir/regressions/$target"
    # The same bytes under another name (found again, or not yet fixed) are not copied twice.
    known=$(find "$fuzz_dir/regressions/$target" -type f -name "*-$sha" | head -n 1)
    if [[ -n $known ]]; then
      dest=$known
    else
      cp "$artifact" "$dest"
    fi
    found+=("$dest")
    result=$kind
  done
  if ((rc != 0)) && ((${#found[@]} == 0)); then result="error (exit $rc)"; fi
  printf '%-30s %12s %8s %7s %7s %7s  %s\n' "$target" "${runs:--}" "${speed:--}" \
    "$(progress cov "$log")" "$(progress ft "$log")" "$(progress corp "$log")" "$result"

  if [[ $result != ok ]]; then
    failed+=("$target")
    echo "---- $target: last lines of the libFuzzer log ----"
    tail -n 40 "$log"
    for dest in "${found[@]}"; do
      echo "---- saved ${dest#"$fuzz_dir/"}; reproduce with:"
      echo "  UBSAN_OPTIONS=$ubsan_options $binary $dest"
      echo "  or: ctest --test-dir build/release -R 'FuzzReplay.*/$target' --output-on-failure"
    done
  fi
done

if ((${#failed[@]} > 0)); then
  echo "FAILED: ${failed[*]}"
  exit 1
fi
echo "all ${#targets[@]} fuzz targets ran ${seconds}s each without a failure"
