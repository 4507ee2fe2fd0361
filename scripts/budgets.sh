#!/usr/bin/env bash
# Measures the project's time budgets and prints them as a Markdown table:
#   - `make kata N=k`, warm (the second of two runs: build cache filled), for
#     every kata: what a learner waits for at each try (the stub run); goal 3 s;
#   - the whole `make test` on 2 cores (taskset when the machine has more);
#     goal under 5 minutes.
# Exits 1 when a figure is over its goal. Other work on the machine skews the
# figures: the script prints the load average before and after; measure when
# `uptime` shows a load below the number of cores.
#
#   scripts/budgets.sh              # everything
#   KATAS="1 3" scripts/budgets.sh  # some katas only
#   SKIP_TEST=1 scripts/budgets.sh  # not make test
set -u
cd "$(dirname "$0")/.."

KATA_GOAL=3    # seconds, make kata N=k warm
TEST_GOAL=300  # seconds, make test on 2 cores
over=0

load() { cut -d' ' -f1-3 /proc/loadavg; }
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
over_goal() { awk -v t="$1" -v g="$2" 'BEGIN { exit !(t > g) }'; }

echo "budgets on $(nproc) cores, $(go version | cut -d' ' -f3), load average at start: $(load)"
make -s tool || exit 1

katas=${KATAS:-$(ls -d katas/[0-9][0-9]-* | sed 's|katas/||; s|-.*||')}
echo
echo "| kata | make kata N=k, warm | goal |"
echo "|------|------|------|"
for k in $katas; do
	make -s kata N="$k" >/dev/null 2>&1 # warm-up: compiles the race build into the cache
	t0=$(now)
	make -s kata N="$k" >/dev/null 2>&1
	t=$(secs "$t0" "$(now)")
	mark=ok
	if over_goal "$t" "$KATA_GOAL"; then mark="OVER"; over=1; fi
	echo "| $k | ${t} s | ${KATA_GOAL} s: $mark |"
done

if [ -z "${SKIP_TEST:-}" ]; then
	pin=()
	if [ "$(nproc)" -gt 2 ] && command -v taskset >/dev/null; then pin=(taskset -c 0,1); fi
	log=.kata/logs/budgets-make-test.log
	mkdir -p .kata/logs
	t0=$(now)
	"${pin[@]}" make -s test >"$log" 2>&1
	status=$?
	t=$(secs "$t0" "$(now)")
	mark=ok
	if over_goal "$t" "$TEST_GOAL"; then mark="OVER"; over=1; fi
	echo
	echo "make test on 2 cores${pin:+ (taskset -c 0,1)}: ${t} s (goal ${TEST_GOAL} s: $mark), exit $status: $(tail -1 "$log") (log $log)"
	[ "$status" -eq 0 ] || over=1
fi
echo
echo "load average at the end: $(load)"
exit $over
