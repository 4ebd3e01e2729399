#!/usr/bin/env bash
# Fuzzes every target (or those named) for SECONDS each, JOBS at a time,
# then prints executions and coverage per target from libFuzzer's final
# stats. Inputs that add coverage go to corpus/<target>/ (not committed;
# `SCOUR_REPLAY_CORPUS=1 cargo test -p scour-fuzz` replays it); crashes, hangs
# (-timeout) and memory blow-ups (-rss_limit_mb) go to artifacts/<target>/.
#
#   fuzz/run.sh                 # all targets, 600 s each, 2 at a time
#   SECONDS_EACH=60 fuzz/run.sh scan redact
set -uo pipefail
cd "$(dirname "$0")"
secs=${SECONDS_EACH:-600}
jobs=${JOBS:-2}
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(engine json scan decode archive mail config rules redact)
mkdir -p logs
cargo +nightly fuzz build -a >/dev/null 2>&1 || { echo "fuzz build failed"; exit 1; }
run() {
    local t=$1
    mkdir -p "corpus/$t"
    nice cargo +nightly fuzz run -a "$t" "corpus/$t" "seeds/$t" -- \
        -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        >"logs/$t.log" 2>&1
    echo "$t exit $?"
}
export -f run
export secs
printf '%s\n' "${targets[@]}" | xargs -P "$jobs" -I{} bash -c 'run {}'
echo
printf '%-8s %12s %8s %8s %8s %s\n' target executions seconds cov ft corpus
for t in "${targets[@]}"; do
    log="logs/$t.log"
    runs=$(grep -o 'stat::number_of_executed_units: [0-9]*' "$log" | awk '{print $2}')
    time=$(grep -o 'Done [0-9]* runs in [0-9]* second' "$log" | awk '{print $5}')
    last=$(grep -E '^#[0-9]+' "$log" | tail -1)
    cov=$(echo "$last" | grep -o 'cov: [0-9]*' | awk '{print $2}')
    ft=$(echo "$last" | grep -o 'ft: [0-9]*' | awk '{print $2}')
    corp=$(echo "$last" | grep -o 'corp: [0-9]*/[0-9a-zA-Z]*' | awk '{print $2}')
    crash=$(ls "artifacts/$t" 2>/dev/null | wc -l)
    printf '%-8s %12s %8s %8s %8s %s artifacts=%s\n' "$t" "${runs:-?}" "${time:-?}" "${cov:-?}" "${ft:-?}" "${corp:-?}" "$crash"
done
