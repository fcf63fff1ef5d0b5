#!/usr/bin/env bash
# Tests the Debian packages end to end on this machine:
#
#   1. inspects them (dpkg-deb): fields, files, conffiles, maintainer scripts, and Depends that
#      name the package of every shared library the binaries and plugins need;
#   2. installs them with dpkg -i: the nightjar user, /var/lib/nightjar and its ownership, the
#      units enabled, `systemd-analyze verify` of the installed units, the packaged configs
#      valid (`--check-config` as the units' ExecStartPre runs it);
#   3. runs both services from their units' ExecStart lines as the units would (the unit's user,
#      groups and capabilities, $NOTIFY_SOCKET, $STATE_DIRECTORY, $WATCHDOG_USEC), waits for
#      READY=1 and WATCHDOG=1, appends a line to a file the packaged agent config tails and
#      finds it through the collector's query API;
#   4. upgrades to a newer version of the same packages: an edited conffile, the store, the
#      agent's queue and checkpoints and the user are kept (the line is still there, once, and
#      a new line arrives after a restart);
#   5. removes (configuration and state kept), then purges (state, user, group, configuration
#      and unit links gone).
#
#   tests/packaging/package_test.sh build/packages
#
# Needs root. Refuses to run (fails) when Nightjar is already installed or its user, /etc/nightjar
# or /var/lib/nightjar exist: purging would destroy them. Leaves the machine as it found it,
# whatever the outcome. When 4318, 4380 or 9464 are taken on this machine the services run from
# copies of the packaged configs with free ports (said in the output); otherwise from the
# packaged files themselves.
set -Eeuo pipefail
# Nothing fails silently: a command that stops the test names itself.
trap 'echo "FAIL: line $LINENO: $BASH_COMMAND (exit $?)" >&2' ERR

pkgdir=$(cd "${1:?usage: package_test.sh PACKAGES_DIR}" && pwd)
started=$(date +%s)

fail() {
  echo "FAIL: $*" >&2
  exit 1
}
ok() { printf 'ok   %s (%ss)\n' "$*" "$(($(date +%s) - started))"; }
note() { printf 'note %s\n' "$*"; }

[[ $(id -u) -eq 0 ]] || fail "needs root (dpkg -i)"
for tool in dpkg dpkg-deb dpkg-query objdump readelf systemd-analyze setpriv curl jq python3 ss; do
  command -v "$tool" >/dev/null || fail "missing tool: $tool"
done

# --- preconditions: nothing of ours on the machine -------------------------------------------

for p in nightjar-agent nightjar-collector nightjar-sdk; do
  status=$(dpkg-query -W -f '${db:Status-Status}' "$p" 2>/dev/null || true)
  [[ -z $status || $status == not-installed ]] ||
    fail "$p is on this machine ($status); purge it first (this test purges what it installs)"
done
for path in /etc/nightjar /var/lib/nightjar /var/log/nightjar-package-test.log; do
  [[ ! -e $path ]] || fail "$path exists; this test would remove it"
done
! getent passwd nightjar >/dev/null || fail "a nightjar user exists; this test would remove it"
! getent group nightjar >/dev/null || fail "a nightjar group exists; this test would remove it"

shopt -s nullglob
debs=("$pkgdir"/*.deb)
agent_deb=("$pkgdir"/nightjar-agent_*.deb)
collector_deb=("$pkgdir"/nightjar-collector_*.deb)
sdk_deb=("$pkgdir"/nightjar-sdk_*.deb)
shopt -u nullglob
((${#agent_deb[@]} == 1 && ${#collector_deb[@]} == 1 && ${#sdk_deb[@]} == 1 && ${#debs[@]} == 3)) ||
  fail "expected exactly nightjar-agent, nightjar-collector and nightjar-sdk in $pkgdir: ${debs[*]:-none}"
agent_deb=${agent_deb[0]} collector_deb=${collector_deb[0]} sdk_deb=${sdk_deb[0]}

work=$(mktemp -d /tmp/nightjar-package-test.XXXXXX)
chmod 0755 "$work"
pids=()
installed=0

cleanup() {
  local rc=$?
  trap - ERR
  set +e
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null; done
  if ((installed)); then
    dpkg --purge nightjar-agent nightjar-collector nightjar-sdk >/dev/null 2>&1
  fi
  rm -f /var/log/nightjar-package-test.log
  # What a failed purge may have left; none of it existed before the test (checked above).
  if ((installed)); then
    getent passwd nightjar >/dev/null && deluser --system --quiet nightjar >/dev/null 2>&1
    getent group nightjar >/dev/null && delgroup --system --quiet nightjar >/dev/null 2>&1
    rm -rf /var/lib/nightjar /etc/nightjar
  fi
  rm -rf "$work"
  if ((rc != 0)); then echo "package test FAILED after $(($(date +%s) - started))s" >&2; fi
  exit "$rc"
}
trap cleanup EXIT

# Polls `$@` every 0.2 s until it succeeds or `deadline` seconds pass.
wait_for() {
  local deadline=$1 what=$2
  shift 2
  local end=$(($(date +%s) + deadline))
  until "$@"; do
    (($(date +%s) < end)) || fail "timed out after ${deadline}s: $what"
    sleep 0.2
  done
}

# --- 1. the packages as files ----------------------------------------------------------------

field() { dpkg-deb --field "$1" "$2"; }

version=$(field "$agent_deb" Version)
[[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+-[0-9]+$ ]] || fail "agent version '$version'"
[[ $(field "$collector_deb" Version) == "$version" && $(field "$sdk_deb" Version) == "$version" ]] ||
  fail "the three packages have different versions"
arch=$(dpkg --print-architecture)
[[ $(field "$agent_deb" Architecture) == "$arch" ]] || fail "agent Architecture"
[[ $(field "$collector_deb" Architecture) == "$arch" ]] || fail "collector Architecture"
[[ $(field "$sdk_deb" Architecture) == all ]] || fail "sdk Architecture should be all"
for deb in "$agent_deb" "$collector_deb" "$sdk_deb"; do
  [[ -n $(field "$deb" Maintainer) && -n $(field "$deb" Description) ]] ||
    fail "$(basename "$deb"): Maintainer or Description missing"
done

# Lists a package's paths (`all`) or only what is not a directory (`files`), absolute, without a
# trailing slash.
contents() {
  dpkg-deb --contents "$1" | awk -v only="$2" 'only == "all" || $1 !~ /^d/ {print $6}' |
    sed -e 's|^\./|/|' -e 's|/$||'
}
for pkg in agent collector sdk; do
  deb_var=${pkg}_deb
  contents "${!deb_var}" all >"$work/$pkg.files"
  contents "${!deb_var}" files >"$work/$pkg.nondirs"
done
expect_file() {
  grep -qx -- "$2" "$work/$1.files" || fail "nightjar-$1 does not contain $2"
}
for f in /usr/bin/nightjar-agent /usr/lib/nightjar/agent/nightjar-agent-https.so \
  /etc/nightjar/agent.yaml /lib/systemd/system/nightjar-agent.service \
  /usr/share/doc/nightjar-agent/copyright /usr/share/doc/nightjar-agent/operations.md \
  /usr/share/doc/nightjar-agent/examples/nightjar-agent.service.d/docker.conf; do
  expect_file agent "$f"
done
for f in /usr/bin/nightjar-collector /etc/nightjar/collector.yaml /etc/nightjar/rules \
  /lib/systemd/system/nightjar-collector.service /usr/lib/nightjar/plugins \
  /usr/share/doc/nightjar-collector/copyright; do
  expect_file collector "$f"
done
for f in /usr/include/nightjar/plugin.h /usr/include/nightjar/plugin.hpp \
  /usr/lib/cmake/Nightjar/NightjarConfig.cmake /usr/lib/cmake/Nightjar/NightjarTargets.cmake \
  /usr/share/doc/nightjar-sdk/copyright /usr/share/doc/nightjar-sdk/examples; do
  expect_file sdk "$f"
done
plugins=$(grep -c '^/usr/lib/nightjar/plugins/.*\.so$' "$work/collector.files" || true)
((plugins >= 3)) || fail "nightjar-collector holds $plugins plugins in /usr/lib/nightjar/plugins"
src=$(cd "$(dirname "$0")/../.." && pwd)
if [[ -d $src/lua ]]; then
  grep -q '^/usr/share/nightjar/lua/.*\.lua$' "$work/collector.files" ||
    fail "lua/ exists but nightjar-collector holds no Lua library in /usr/share/nightjar/lua"
fi
if compgen -G "$src/lua/examples/*.lua" >/dev/null; then
  grep -q '^/etc/nightjar/rules/.*\.lua$' "$work/collector.files" ||
    fail "lua/examples exists but /etc/nightjar/rules holds no example rule"
fi
# Nothing of the other packages, of the build tree or of the tests leaks in.
grep -q '^/usr/bin/nightjar-collector$' "$work/agent.files" && fail "agent holds the collector"
grep -q '^/usr/bin/nightjar-agent$' "$work/collector.files" && fail "collector holds the agent"
grep -Eq '^/usr/(bin|lib/nightjar)' "$work/sdk.files" && fail "sdk holds binaries"
grep -Eq '/tests?/|/work/|/build/|CMakeFiles|CTest' "$work/agent.files" "$work/collector.files" \
  "$work/sdk.files" &&
  fail "a package holds test or build-tree files"
ok "package contents"

# Conffiles: every file under /etc, nothing else.
for pkg in agent collector sdk; do
  deb_var=${pkg}_deb
  dpkg-deb --ctrl-tarfile "${!deb_var}" | tar -x -C "$work" --one-top-level="ctrl-$pkg"
  while read -r f; do
    grep -qx -- "$f" "$work/ctrl-$pkg/conffiles" 2>/dev/null || fail "nightjar-$pkg: $f is no conffile"
  done < <(grep '^/etc/' "$work/$pkg.nondirs" || true)
done
[[ $(cat "$work/ctrl-agent/conffiles") == /etc/nightjar/agent.yaml ]] || fail "agent conffiles"
grep -qx /etc/nightjar/collector.yaml "$work/ctrl-collector/conffiles" || fail "collector conffiles"
[[ ! -e $work/ctrl-sdk/conffiles ]] || fail "the sdk has conffiles"
for pkg in agent collector; do
  for script in postinst prerm postrm; do
    f=$work/ctrl-$pkg/$script
    [[ -x $f ]] || fail "nightjar-$pkg has no executable $script"
    sh -n "$f" || fail "nightjar-$pkg $script: syntax error"
  done
done
ok "conffiles and maintainer scripts"

# Depends: each shared library a binary or plugin needs is named by the package that holds it
# on this machine (what dpkg-shlibdeps computes). The version is the one the library's symbols
# file gives for the symbols used, so it may be absent (libsystemd0's journal API dates from
# its first version); at least one library must carry a version, or nothing was computed.
ldconfig -p >"$work/ldconfig"
check_depends() {
  local pkg=$1 deb=$2 root=$work/root-$1
  local depends
  depends=$(field "$deb" Depends)
  [[ -n $depends ]] || fail "nightjar-$pkg has no Depends"
  dpkg-deb -x "$deb" "$root"
  local elves=0
  while read -r elf; do
    readelf -h "$elf" >/dev/null 2>&1 || continue
    elves=$((elves + 1))
    readelf -S "$elf" | grep -q '\.debug_info' && fail "$elf is not stripped"
    while read -r lib; do
      local path owner
      path=$(awk -v l="$lib" '$1 == l && !p {p = $NF} END {print p}' "$work/ldconfig")
      [[ -n $path ]] || fail "$elf needs $lib, which this machine does not have"
      # dpkg knows the path it shipped, which may be the symlink, its target, or either
      # without /usr (merged /usr).
      owner=""
      for candidate in "$path" "$(readlink -f "$path")" "${path#/usr}" "/usr$path"; do
        owner=$(dpkg -S "$candidate" 2>/dev/null | awk -F: 'NR == 1 {print $1}') || true
        [[ -z $owner ]] || break
      done
      [[ -n $owner ]] || fail "no package owns $path"
      [[ ", $depends," == *", $owner ("* || ", $depends," == *", $owner,"* ]] ||
        fail "nightjar-$pkg: Depends ($depends) lacks $owner, which holds $lib"
    done < <(objdump -p "$elf" | awk '$1 == "NEEDED" {print $2}')
  done < <(find "$root" -type f \( -perm -u+x -o -name '*.so' \))
  ((elves > 0)) || fail "nightjar-$pkg holds no ELF file"
  [[ $depends =~ libstdc\+\+6\ \(\>=\ [0-9] ]] ||
    fail "nightjar-$pkg: Depends ($depends) has no versioned libstdc++6; were they computed?"
  [[ $depends == *adduser* && $depends == *init-system-helpers* ]] ||
    fail "nightjar-$pkg: Depends lacks adduser or init-system-helpers"
}
check_depends agent "$agent_deb"
check_depends collector "$collector_deb"
grep -q 'libsqlite3' <<<"$(field "$collector_deb" Depends)" || fail "collector: no libsqlite3 in Depends"
ok "Depends computed: $(field "$collector_deb" Depends | tr -d '\n')"

# --- 2. install -------------------------------------------------------------------------------

installed=1
dpkg -i "$agent_deb" "$collector_deb" "$sdk_deb" </dev/null >"$work/dpkg-install.log" 2>&1 ||
  { cat "$work/dpkg-install.log"; fail "dpkg -i"; }
for p in nightjar-agent nightjar-collector nightjar-sdk; do
  [[ $(dpkg-query -W -f '${db:Status-Abbrev}' "$p") == "ii " ]] || fail "$p is not installed"
done

passwd=$(getent passwd nightjar) || fail "no nightjar user"
IFS=: read -r _ _ uid gid _ home shell <<<"$passwd"
((uid < 1000)) || fail "nightjar is no system user (uid $uid)"
[[ $(getent group nightjar | cut -d: -f3) == "$gid" ]] || fail "nightjar's primary group is not nightjar"
[[ $shell == /usr/sbin/nologin && $home == /var/lib/nightjar ]] || fail "nightjar: home $home shell $shell"
for dir in /var/lib/nightjar /var/lib/nightjar/agent /var/lib/nightjar/collector; do
  [[ $(stat -c '%U:%G %a' "$dir") == "nightjar:nightjar 750" ]] ||
    fail "$dir is $(stat -c '%U:%G %a' "$dir"), not nightjar:nightjar 750"
done
for unit in nightjar-agent nightjar-collector; do
  [[ -L /etc/systemd/system/multi-user.target.wants/$unit.service ]] || fail "$unit is not enabled"
done
[[ -n $(dpkg-query -W -f '${Conffiles}' nightjar-agent) ]] || fail "dpkg records no agent conffile"
ok "installed: user nightjar ($uid), /var/lib/nightjar, units enabled"

verify=$(systemd-analyze verify /lib/systemd/system/nightjar-agent.service \
  /lib/systemd/system/nightjar-collector.service 2>&1) || fail "systemd-analyze verify: $verify"
! grep -i nightjar <<<"$verify" || fail "systemd-analyze verify warns about the units"
# The hardening stays where docs/operations.md reports it (exposure x10: 18 = 1.8).
for limit in nightjar-agent:18 nightjar-collector:11; do
  unit=${limit%:*}
  score=$(systemd-analyze security --offline=true "/lib/systemd/system/$unit.service" 2>&1 |
    awk '/Overall exposure level/ {print $(NF-2)}')
  systemd-analyze security --offline=true --threshold="${limit#*:}" \
    "/lib/systemd/system/$unit.service" >/dev/null 2>&1 ||
    fail "$unit: systemd-analyze security exposure $score, above ${limit#*:}/10"
done
ok "systemd-analyze verify; security exposure within 1.8 (agent) and 1.1 (collector)"

# Returns the value of `key` in the installed unit (the last one when repeated: ExecStart has one).
unit_value() {
  awk -F= -v k="$2" '$1 == k {sub(/^[^=]*=/, ""); v = $0} END {print v}' \
    "/lib/systemd/system/$1.service"
}
# Sets `setpriv_args` to run a command as the unit `$1` runs its commands: its user and groups,
# its capability bounding set and ambient capabilities, no new privileges.
unit_credentials() {
  local unit=$1 groups caps bounding
  groups=$(unit_value "$unit" SupplementaryGroups | tr ' ' ',')
  caps=$(unit_value "$unit" AmbientCapabilities | tr 'A-Z' 'a-z' | sed -e 's/cap_/+/g' -e 's/ /,/g')
  bounding=$(unit_value "$unit" CapabilityBoundingSet | tr 'A-Z' 'a-z' |
    sed -e 's/cap_/+/g' -e 's/ /,/g')
  setpriv_args=(--reuid="$(unit_value "$unit" User)" --regid="$(unit_value "$unit" Group)"
    --bounding-set="-all${bounding:+,$bounding}")
  if [[ -n $groups ]]; then setpriv_args+=(--groups="$groups"); else setpriv_args+=(--clear-groups); fi
  if [[ -n $caps ]]; then setpriv_args+=(--inh-caps="$caps" --ambient-caps="$caps"); fi
  if [[ $(unit_value "$unit" NoNewPrivileges) == true ]]; then setpriv_args+=(--no-new-privs); fi
}
# Runs `$@` as the unit `$1` would.
as_unit() {
  unit_credentials "$1"
  shift
  setpriv "${setpriv_args[@]}" "$@"
}

for unit in nightjar-agent nightjar-collector; do
  [[ $(unit_value $unit Type) == notify && $(unit_value $unit User) == nightjar ]] ||
    fail "$unit: Type or User"
  read -ra pre <<<"$(unit_value $unit ExecStartPre)"
  out=$(cd / && as_unit $unit "${pre[@]}" 2>&1) || fail "$unit ExecStartPre (${pre[*]}): $out"
done
# The collector's check loaded every packaged plugin and started both configured instances.
out=$(cd / && as_unit nightjar-collector /usr/bin/nightjar-collector --check-config \
  --config /etc/nightjar/collector.yaml 2>&1)
[[ $out == *"plugins: $plugins loaded, 2 instance(s) ready"* ]] ||
  fail "collector --check-config: $out (expected $plugins plugins loaded, 2 instances)"
[[ $(/usr/bin/nightjar-collector --help) == *"Installed plugin directory: /usr/lib/nightjar/plugins"* ]] ||
  fail "the packaged collector's default plugin directory is not /usr/lib/nightjar/plugins"
# An https endpoint loads the packaged HTTPS module (the agent itself does not map OpenSSL).
https_config=$(mktemp /tmp/nightjar-https-XXXXXX.yaml)
sed 's|endpoint: http://127.0.0.1:4318|endpoint: https://127.0.0.1:4318|' /etc/nightjar/agent.yaml \
  >"$https_config"
chmod 0644 "$https_config"
grep -q 'endpoint: https://' "$https_config" || fail "no exporter endpoint to turn into https"
out=$(cd / && as_unit nightjar-agent /usr/bin/nightjar-agent --check-config --config "$https_config" 2>&1) ||
  fail "agent --check-config with an https endpoint: $out"
rm -f "$https_config"
ldd /usr/bin/nightjar-agent | grep -q 'libssl' && fail "nightjar-agent links OpenSSL itself"
ok "packaged configs valid (ExecStartPre as the units' user)"

# --- 3. run both from their units' ExecStart lines --------------------------------------------

port_free() { ! ss -Hltn "sport = :$1" | grep -q .; }
agent_config=/etc/nightjar/agent.yaml collector_config=/etc/nightjar/collector.yaml
otlp_port=4318 api_port=4380 metrics_port=9464
if ! port_free 4318 || ! port_free 4380 || ! port_free 9464; then
  read -r otlp_port api_port metrics_port < <(python3 -c '
import socket
socks = [socket.socket() for _ in range(3)]
for s in socks: s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in socks])')
  note "4318, 4380 or 9464 is in use here: running from copies of the packaged configs on" \
    "ports $otlp_port, $api_port, $metrics_port"
  sed -e "s/127.0.0.1:4318/127.0.0.1:$otlp_port/" -e "s/127.0.0.1:4380/127.0.0.1:$api_port/" \
    /etc/nightjar/collector.yaml >"$work/collector.yaml"
  sed -e "s/127.0.0.1:4318/127.0.0.1:$otlp_port/" -e "s/127.0.0.1:9464/127.0.0.1:$metrics_port/" \
    /etc/nightjar/agent.yaml >"$work/agent.yaml"
  chmod 0644 "$work/collector.yaml" "$work/agent.yaml"
  agent_config=$work/agent.yaml collector_config=$work/collector.yaml
fi
api=http://127.0.0.1:$api_port/api/v1

# A notify socket per unit: records every datagram, one line each ("READY=1", ...).
listen_notify() {
  python3 -u - "$1" "$2" <<'EOF' &
import os, socket, sys
path, out = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(path)
os.chmod(path, 0o666)
with open(out, "a", buffering=1) as f:
    while True:
        for line in s.recv(4096).decode(errors="replace").splitlines():
            f.write(line + "\n")
EOF
  pids+=($!)
  wait_for 10 "notify socket $1" test -S "$1"
}

# Starts `unit` from its ExecStart line (config replaced when ports had to move); sets $main_pid.
start_unit() {
  local unit=$1 config=$2
  local exec
  read -ra exec <<<"$(unit_value "$unit" ExecStart)"
  [[ ${exec[0]} == /usr/bin/$unit && ${exec[1]} == --config && ${#exec[@]} == 3 ]] ||
    fail "$unit ExecStart is '${exec[*]}'"
  exec[2]=$config
  : >"$work/$unit.notify"
  [[ -S $work/$unit.sock ]] || listen_notify "$work/$unit.sock" "$work/$unit.notify"
  # WatchdogSec=30s would ping every 15 s; 2 s shows the pings within the test's time.
  unit_credentials "$unit"
  (
    cd /
    export NOTIFY_SOCKET=$work/$unit.sock STATE_DIRECTORY=/var/lib/nightjar WATCHDOG_USEC=2000000
    export WATCHDOG_PID=$BASHPID
    exec setpriv "${setpriv_args[@]}" "${exec[@]}" >>"$work/$unit.log" 2>&1
  ) &
  main_pid=$!
  pids+=("$main_pid")
  wait_for 30 "$unit READY=1 (log: $work/$unit.log)" grep -qx READY=1 "$work/$unit.notify"
  kill -0 "$main_pid" || fail "$unit exited after READY=1"
}

# Stops a started unit with SIGTERM (as systemd does) and expects a clean exit.
stop_unit() {
  local unit=$1 pid=$2 rc=0
  kill -TERM "$pid"
  wait_for 30 "$unit stopping" bash -c "! kill -0 $pid 2>/dev/null"
  wait "$pid" || rc=$?
  ((rc == 0)) || fail "$unit exited with $rc on SIGTERM: $(tail -5 "$work/$unit.log")"
  grep -qx STOPPING=1 "$work/$unit.notify" || fail "$unit sent no STOPPING=1"
}

start_unit nightjar-collector "$collector_config"
collector_pid=$main_pid
start_unit nightjar-agent "$agent_config"
agent_pid=$main_pid
[[ $(stat -c %U /proc/"$agent_pid") == nightjar && $(stat -c %U /proc/"$collector_pid") == nightjar ]] ||
  fail "the services do not run as nightjar"
curl -fsS "http://127.0.0.1:$api_port/healthz" >/dev/null || fail "collector /healthz"
# Read the whole page before searching it: `grep -q` would stop reading at the first match and
# fail curl's write (and the pipeline) on a page longer than a pipe buffer.
agent_metrics=$(curl -fsS "http://127.0.0.1:$metrics_port/metrics") || fail "agent /metrics"
grep -q '^nightjar_agent_build_info' <<<"$agent_metrics" ||
  fail "agent /metrics"
wait_for 15 "WATCHDOG=1 from both" \
  bash -c "grep -qx WATCHDOG=1 '$work/nightjar-agent.notify' && grep -qx WATCHDOG=1 '$work/nightjar-collector.notify'"
ok "both started from ExecStart as nightjar: READY=1, WATCHDOG=1"

# A log readable only by root and the adm group, as rsyslog writes them: the agent reads it
# through the unit's SupplementaryGroups=adm. Created after READY=1, so it is read from its
# first line.
token1=njpkg$RANDOM$RANDOM
install -m 0640 -o root -g adm /dev/null /var/log/nightjar-package-test.log
echo "$(date -u +%FT%TZ) package test first line $token1" >>/var/log/nightjar-package-test.log

# Prints how many stored records hold the word `$1`.
count_logs() { curl -fsS "$api/logs?q=$1&limit=100" | jq '.logs | length'; }
found() { [[ $(count_logs "$1") -ge 1 ]]; }
wait_for 30 "the appended line in the collector" found "$token1"
record=$(curl -fsS "$api/logs?q=$token1")
jq -e '.logs[0] | tostring | contains("nightjar-package-test.log")' <<<"$record" >/dev/null ||
  fail "the record does not name its file: $record"
ok "a line appended to /var/log/nightjar-package-test.log reached the collector"

stop_unit nightjar-agent "$agent_pid"
stop_unit nightjar-collector "$collector_pid"
[[ -s /var/lib/nightjar/collector/nightjar.db && -s /var/lib/nightjar/agent/queue.db ]] ||
  fail "no store or queue in /var/lib/nightjar"
[[ $(stat -c %U /var/lib/nightjar/collector/nightjar.db) == nightjar ]] || fail "store owner"
ok "both stopped cleanly on SIGTERM; store and queue in /var/lib/nightjar"

# --- 4. upgrade -------------------------------------------------------------------------------

# The same packages as the next Debian revision: a real upgrade for dpkg and the scripts.
next=${version%-*}-$((${version##*-} + 1))
for deb in "$agent_deb" "$collector_deb" "$sdk_deb"; do
  name=$(field "$deb" Package)
  rm -rf "$work/repack"
  dpkg-deb -R "$deb" "$work/repack"
  sed -i "s/^Version: .*/Version: $next/" "$work/repack/DEBIAN/control"
  dpkg-deb --root-owner-group -Zxz -b "$work/repack" "$work/${name}_next.deb" >/dev/null
done
echo "# edited by the operator" >>/etc/nightjar/agent.yaml
touch -d '2 days ago' /var/lib/nightjar/agent/queue.db
queue_before=$(stat -c '%i %Y' /var/lib/nightjar/agent/queue.db)
dpkg -i "$work/nightjar-agent_next.deb" "$work/nightjar-collector_next.deb" \
  "$work/nightjar-sdk_next.deb" </dev/null >"$work/dpkg-upgrade.log" 2>&1 ||
  { cat "$work/dpkg-upgrade.log"; fail "dpkg -i (upgrade)"; }
for p in nightjar-agent nightjar-collector nightjar-sdk; do
  [[ $(dpkg-query -W -f '${Version} ${db:Status-Abbrev}' "$p") == "$next ii " ]] ||
    fail "$p was not upgraded to $next"
done
grep -qx '# edited by the operator' /etc/nightjar/agent.yaml || fail "the edited agent.yaml was replaced"
[[ ! -e /etc/nightjar/agent.yaml.dpkg-new && ! -e /etc/nightjar/agent.yaml.dpkg-dist ]] ||
  fail "dpkg set a new agent.yaml aside although the packaged one did not change"
[[ $(stat -c '%i %Y' /var/lib/nightjar/agent/queue.db) == "$queue_before" ]] ||
  fail "the upgrade touched the agent's queue"
[[ $(getent passwd nightjar | cut -d: -f3) == "$uid" ]] || fail "the upgrade changed nightjar's uid"
for unit in nightjar-agent nightjar-collector; do
  [[ -L /etc/systemd/system/multi-user.target.wants/$unit.service ]] || fail "$unit not enabled after upgrade"
done
ok "upgraded to $next: edited conffile, queue, user and enablement kept"

start_unit nightjar-collector "$collector_config"
collector_pid=$main_pid
[[ $(count_logs "$token1") -eq 1 ]] || fail "the store lost the first line across the upgrade"
start_unit nightjar-agent "$agent_config"
agent_pid=$main_pid
token2=njpkg$RANDOM$RANDOM
echo "$(date -u +%FT%TZ) package test second line $token2" >>/var/log/nightjar-package-test.log
wait_for 30 "the second line in the collector" found "$token2"
# The checkpoint survived: the first line was not read again.
[[ $(count_logs "$token1") -eq 1 ]] || fail "the first line was shipped again after the upgrade"
stop_unit nightjar-agent "$agent_pid"
stop_unit nightjar-collector "$collector_pid"
ok "after the upgrade: stored data kept, checkpoint kept (no duplicate), new lines flow"

# --- 5. remove, then purge --------------------------------------------------------------------

dpkg -r nightjar-agent nightjar-collector nightjar-sdk </dev/null >"$work/dpkg-remove.log" 2>&1 ||
  { cat "$work/dpkg-remove.log"; fail "dpkg -r"; }
[[ ! -e /usr/bin/nightjar-agent && ! -e /usr/bin/nightjar-collector ]] || fail "binaries left after remove"
[[ ! -e /usr/include/nightjar ]] || fail "sdk headers left after remove"
[[ -f /etc/nightjar/agent.yaml && -f /etc/nightjar/collector.yaml ]] || fail "remove dropped the configuration"
[[ -s /var/lib/nightjar/collector/nightjar.db && -s /var/lib/nightjar/agent/queue.db ]] ||
  fail "remove dropped the state"
getent passwd nightjar >/dev/null || fail "remove dropped the user"
ok "removed: binaries gone; configuration, state and user kept"

dpkg --purge nightjar-agent nightjar-collector nightjar-sdk </dev/null >"$work/dpkg-purge.log" 2>&1 ||
  { cat "$work/dpkg-purge.log"; fail "dpkg --purge"; }
for p in nightjar-agent nightjar-collector nightjar-sdk; do
  status=$(dpkg-query -W -f '${db:Status-Status}' "$p" 2>/dev/null || true)
  [[ -z $status || $status == not-installed ]] || fail "$p is still $status"
done
[[ ! -e /var/lib/nightjar ]] || fail "purge left /var/lib/nightjar"
[[ ! -e /etc/nightjar ]] || fail "purge left /etc/nightjar: $(find /etc/nightjar)"
! getent passwd nightjar >/dev/null || fail "purge left the nightjar user"
! getent group nightjar >/dev/null || fail "purge left the nightjar group"
[[ -z $(find /etc/systemd/system -name 'nightjar-*' 2>/dev/null) ]] || fail "purge left unit links"
[[ -z $(find /var/lib/systemd/deb-systemd-helper-enabled /var/lib/systemd/deb-systemd-helper-masked \
  -name 'nightjar-*' 2>/dev/null) ]] || fail "purge left deb-systemd-helper state"
[[ ! -e /lib/systemd/system/nightjar-agent.service ]] || fail "purge left the unit"
ok "purged: state, configuration, user, group and unit links gone"
installed=0
echo "package test passed in $(($(date +%s) - started))s"
