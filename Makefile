# Concurrency katas. `make` (or `make help`) lists the targets.
# The logic lives in the kata tool (cmd/kata); this file only wraps it.

.DEFAULT_GOAL := help
export GORACE := atexit_sleep_ms=0

KATA := .kata/bin/kata
N    ?=
M    ?=
ARGS ?=
J    ?= 2
RUNS ?= 20
T    ?=
RESET ?=
REF  ?=
MINE ?=
OPEN ?=

.PHONY: help list kata solution mutant mutants proof test check-format vet bench tool clean stress budgets
.PHONY: progress next hint watch reset grade
.PHONY: timeline trace compare examples-io examples-cpu

help: ## list the targets (the default)
	@echo "usage: make <target> [N=kata number] [M=mutant] [ARGS='ginkgo flags']"
	@echo
	@grep -E '^[a-z-]+:.*## ' $(firstword $(MAKEFILE_LIST)) | \
		awk 'BEGIN {FS = ":.*## "} {printf "  %-14s %s\n", $$1, $$2}'

tool: ## build the kata tool into .kata/bin/kata
	@go build -o $(KATA) ./cmd/kata

list: tool ## the katas: number, name, title, concepts
	@$(KATA) list

kata: tool ## run kata N's specs against your code: make kata N=1 [ARGS='--focus=cancel']
	@$(KATA) kata $(N) $(ARGS)

solution: tool ## run kata N's specs against the reference solution: make solution N=1
	@$(KATA) solution $(N) $(ARGS)

mutant: tool ## run kata N's specs against mutant M: make mutant N=1 M=unbounded
	@$(KATA) mutant $(N) $(M) $(ARGS)

mutants: tool ## each spec x each mutant of kata N (or all): which spec killed which; fails on a survivor
	@$(KATA) mutants -j $(J) $(N)

proof: tool ## prove katas (all, or N='1 3'; J=2 at a time): solution passes, stub fails, mutants die
	@$(KATA) proof -j $(J) $(N)

test: tool ## everything CI runs: gofmt, go vet, library specs, the proof of every kata
	@$(KATA) test -j $(J)

stress: tool ## every solution (or N='1 3') RUNS=20 times with every core busy; any failure fails
	@$(KATA) stress -runs $(RUNS) $(N)

budgets: tool ## measure make kata N=k (warm, goal 3 s) and make test on 2 cores (goal 5 min)
	@scripts/budgets.sh

progress: tool ## every kata's state on your code (J=2 at a time) and the next one to do
	@$(KATA) progress -j $(J)

next: tool ## run the specs of the first kata that is not solved
	@$(KATA) next

hint: tool ## one more hint for kata N's first failing task: make hint N=3 [T=2] [RESET=1]
	@$(KATA) hint $(if $(T),-task $(T)) $(if $(filter-out 0,$(RESET)),-reset) $(N)

watch: tool ## run kata N's specs again each time you save a file: make watch N=3
	@$(KATA) watch $(N) $(ARGS)

reset: tool ## restore kata N's stub; your file is backed up first: make reset N=3
	@$(KATA) reset $(N)

grade: tool ## a JUnit report per kata in reports/ and a score table (exit 0 when katas fail)
	@$(KATA) grade -j $(J)

timeline: tool ## draw what the server saw of kata N's download (terminal + SVG): make timeline N=3 [REF=1]
	@$(KATA) timeline $(if $(filter-out 0,$(REF)),-ref) $(N)

trace: tool ## record kata N's CPU run with Go's execution tracer, draw it per processor (SVG): make trace N=4 [REF=1] [OPEN=1]
	@$(KATA) trace $(if $(filter-out 0,$(REF)),-ref) $(if $(filter-out 0,$(OPEN)),-open) $(N)

compare: tool ## the article's table measured here: every version, I/O and CPU [REF=1: the solutions]
	@$(KATA) compare $(if $(filter-out 0,$(REF)),-ref)

examples-io: tool ## run the reference downloads, printing their output [N=3] [MINE=1: yours]
	@$(KATA) examples $(if $(filter-out 0,$(MINE)),-mine) io $(N)

examples-cpu: tool ## run the reference CPU versions, printing sums and time [N=4] [MINE=1: yours]
	@$(KATA) examples $(if $(filter-out 0,$(MINE)),-mine) cpu $(N)

check-format: tool ## list the .go files that are not gofmt clean
	@$(KATA) check-format

vet: ## go vet ./...
	@go vet ./...

bench: ## benchmarks: the fake server (req/s, latency at 160 in flight) and the CPU tasks
	@go test -run '^$$' -bench . -benchmem ./fakeserver/... ./harness/

clean: ## remove .kata/ (tool, overlays, reports, logs)
	@rm -rf .kata
