#!/bin/sh
# make demo: a mission hub and three field nodes on this machine, in a temporary directory.
#
#   1. initialise a hub, its mission file (the sealing key the laptops seal every report to) and
#      three field laptops provisioned with it, enrol the laptops;
#   2. take the hub down and record the sample reports (Deploy/samples) on the laptops;
#   3. start each laptop's sync daemon: the hub is unreachable, they back off;
#   4. bring the hub back: the daemons deliver every report, exactly once;
#   5. show what the hub holds (it opens the sealed fields) and what the laptops know (they
#      cannot read them back), then stop everything with SIGTERM.
#
# Usage: sh Deploy/demo.sh BIN_DIR      (make demo passes the debug build's bin directory)
# KEEP=1 keeps the temporary directory for inspection.
set -eu

BIN=${1:?usage: demo.sh BIN_DIR}
SAMPLES=$(cd "$(dirname "$0")" && pwd)/samples
WORK=$(mktemp -d "${TMPDIR:-/tmp}/fieldsync-demo.XXXXXX")
HUB="$BIN/missionhub --data-dir $WORK/hub"
NODES="bangui bambari bria"
PIDS=""

cleanup() {
    for pid in $PIDS; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in $PIDS; do wait "$pid" 2>/dev/null || true; done
    if [ "${KEEP:-0}" = 1 ]; then echo "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT INT TERM

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
node() { name=$1; shift; "$BIN/fieldnode" --data-dir "$WORK/$name" "$@"; }

start_hub() {
    # Port 0 the first time (the kernel picks a free one), the same port afterwards.
    $HUB serve --listen "127.0.0.1:${PORT:-0}" 2>>"$WORK/hub.log" &
    HUB_PID=$!
    PIDS="$PIDS $HUB_PID"
    for _ in $(seq 1 100); do
        PORT=$(sed -n 's/.*hub serving address=127\.0\.0\.1:\([0-9]*\).*/\1/p' "$WORK/hub.log" | tail -1)
        [ -n "$PORT" ] && grep -q "port=$PORT" "$WORK/hub.log" && [ "$(grep -c 'hub serving' "$WORK/hub.log")" -ge "${1:-1}" ] && return 0
        sleep 0.1
    done
    echo "the hub did not start; its log:" >&2; cat "$WORK/hub.log" >&2; exit 1
}

stop() {
    kill -TERM "$1"
    wait "$1" 2>/dev/null || true
    PIDS=$(echo "$PIDS" | tr ' ' '\n' | grep -vx "$1" | tr '\n' ' ')
}

say "a mission hub for MINUSCA (data in $WORK/hub)"
$HUB init --mission MINUSCA
$HUB mission-file --out "$WORK/mission.json"
start_hub 1
echo "hub listening on 127.0.0.1:$PORT"

for name in $NODES; do
    say "field laptop '$name': init and enrol"
    node "$name" init --mission MINUSCA --node-name "$name" --mission-file "$WORK/mission.json"
    token=$($HUB node enroll "$name" | sed -n 's/^    \([A-Z2-7]\{20,\}\)$/\1/p' | head -1)
    node "$name" enroll --hub "http://127.0.0.1:$PORT" --token "$token"
done

say "the hub goes down"
stop "$HUB_PID"

say "the laptops start their sync daemons (the hub is unreachable: they back off)"
for name in $NODES; do
    "$BIN/fieldnode" --data-dir "$WORK/$name" daemon --interval 10s 2>"$WORK/$name.log" &
    PIDS="$PIDS $!"
done

say "operators record reports while the hub is down"
set -- $NODES
i=0
for sample in "$SAMPLES"/*.json; do
    name=$(eval echo "\${$((i % 3 + 1))}")
    printf '%-8s ' "$name"
    node "$name" report add --json "$sample"
    i=$((i + 1))
done
echo
node bangui report list

say "the hub comes back"
start_hub 2
expected=$(ls "$SAMPLES"/*.json | wc -l)
for _ in $(seq 1 120); do
    arrived=$($HUB report list --json | grep -o '"ref"' | wc -l)
    [ "$arrived" -ge "$expected" ] && break
    sleep 0.5
done
echo "$arrived of $expected reports have arrived"

say "what the hub holds"
$HUB report list
echo
$HUB node list

first=$($HUB report list --json | sed -n 's/.*"ref": "\([A-Z0-9-]*\)".*/\1/p' | head -1)
say "the hub opens a report with its private key ($first)"
$HUB report show "$first" | sed -n '1,/^Current fields/p;/allegation.narrative/p;/incident.area/p;/victims\[0\]/p'

say "what a laptop knows now (received by the hub; its sealed fields it cannot read back)"
sleep 2
node bangui report list
echo
node bangui status

say "everything stops on SIGTERM"
for pid in $PIDS; do kill -TERM "$pid"; done
for pid in $PIDS; do wait "$pid" && echo "process $pid exited cleanly"; done
PIDS=""
[ "$arrived" -ge "$expected" ] || { echo "demo failed: not every report arrived" >&2; exit 1; }
echo
echo "demo finished: $expected reports recorded offline on 3 laptops, all delivered exactly once."
