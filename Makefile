# Concurrency katas. `make` (or `make help`) lists the targets.
# The logic lives in the kata tool (cmd/kata); this file only wraps it.

.DEFAULT_GOAL := help
export GORACE := atexit_sleep_ms=0
# The tool then words its messages in this file's variables (N=3, T=2).
export KATA_VIA_MAKE := 1

KATA := .kata/bin/kata
N    ?=
M    ?=
ARGS ?=
J    ?= 2
# make test runs 3 go test processes at a time unless J= is given: on 2 cores
# one links while two run (measured: 4 min 33 s instead of 6 min 4 s, a second run in one clone).
TEST_J := $(if $(filter command line,$(origin J)),$(J),3)
RUNS ?= 20
SEEDS ?= 5
ROUNDS ?=
PROCS ?=
comma := ,
T    ?=
RESET ?=
REF  ?=
MINE ?=
DIR  ?=
OPEN ?=
F    ?=
V    ?=

# q quotes $(1) for the shell, as one word: F='A|B' and ARGS='--focus=A|B'
# reach the kata tool whole, never a pipe. $(value ...) keeps a $ in a regex.
q = '$(subst ','\'',$(1))'
FOCUS_FLAG = $(if $(value F),-focus $(call q,$(value F)))
VERBOSE_FLAG = $(if $(filter-out 0,$(V)),-v)
ARGS_WORDS = $(foreach a,$(value ARGS),$(call q,$(a)))
# The tool is rebuilt only when its sources change: a go build that finds
# nothing to do still costs a few tenths of a second on every make kata.
KATA_SRC := $(shell find cmd internal harness fakeserver -name '*.go' ! -name '*_test.go' 2>/dev/null) go.mod go.sum

.PHONY: help list kata solution mutant mutants proof test check-format vet bench tool clean stress budgets orders
.PHONY: progress next hint watch reset grade classroom classroom-workflow
.PHONY: timeline trace compare examples-io examples-cpu
.PHONY: mutant-edit mutant-save mutant-new

help: ## list the targets (the default)
	@echo "usage: make <target> [N=kata number] [F='spec focus'] [V=1] [T=task] [ARGS='ginkgo flags']"
	@echo
	@grep -E '^([a-z-]+:.*## |##@ )' $(firstword $(MAKEFILE_LIST)) | \
		awk 'BEGIN {FS = ":.*## "} /^##@ / {sub(/^##@ /, ""); printf "\n%s\n", $$0; next} {printf "  %-14s %s\n", $$1, $$2}'

list: tool ## the katas: number, folder and title
	@$(KATA) list

kata: tool ## run kata N's specs on your code: make kata N=3 [F='Task 2'] [F='A|B'] [V=1: all in full]
	@$(KATA) kata "$(N)" $(VERBOSE_FLAG) $(FOCUS_FLAG) $(ARGS_WORDS)

next: tool ## run the specs of the first kata that is not solved [V=1: all in full]
	@$(KATA) next $(VERBOSE_FLAG)

hint: tool ## one more hint for kata N's first failing task: make hint N=3 [T=2] [RESET=1]
	@$(KATA) hint $(if $(T),-task '$(T)') $(if $(filter-out 0,$(RESET)),-reset) "$(N)"

watch: tool ## run kata N's specs again each time you save a file: make watch N=3 [F='Task 2'] [V=1]
	@$(KATA) watch "$(N)" $(VERBOSE_FLAG) $(if $(value F),--focus=$(call q,$(value F))) $(ARGS_WORDS)

reset: tool ## restore kata N's stub; your file is backed up first: make reset N=3
	@$(KATA) reset "$(N)"

progress: tool ## every kata's state on your code (J=2 at a time) and the next one to do
	@$(KATA) progress -j $(J)

grade: tool ## a JUnit report per kata in reports/ and a score table (exit 0 when katas fail)
	@$(KATA) grade -j $(J)

classroom: tool ## write a GitHub Classroom student template (no solutions) into DIR: make classroom DIR=../katas-class
	@$(if $(DIR),,echo "make classroom: say where the template goes: make classroom DIR=../katas-class (a new or empty folder)" >&2; exit 2)
	@$(KATA) classroom template "$(DIR)"

classroom-workflow: tool ## rewrite .github/workflows/classroom.yml from the kata list (after adding a kata or a task)
	@$(KATA) classroom workflow

timeline: tool ## draw what the server saw of kata N's download (terminal + SVG): make timeline N=3, or N='1 3 6' on one time scale [REF=1]
	@$(KATA) timeline $(if $(filter-out 0,$(REF)),-ref) "$(N)"

trace: tool ## record kata N's CPU run with Go's execution tracer, draw it per processor (SVG): make trace N=4 [REF=1] [OPEN=1]
	@$(KATA) trace $(if $(filter-out 0,$(REF)),-ref) $(if $(filter-out 0,$(OPEN)),-open) "$(N)"

compare: tool ## the article's table measured here: every version, I/O and CPU [REF=1: the solutions]
	@$(KATA) compare $(if $(filter-out 0,$(REF)),-ref)

examples-io: tool ## run the reference downloads, printing their output [N=3] [MINE=1: yours]
	@$(KATA) examples $(if $(filter-out 0,$(MINE)),-mine) io "$(N)"

examples-cpu: tool ## run the reference CPU versions, printing sums and time [N=4] [MINE=1: yours]
	@$(KATA) examples $(if $(filter-out 0,$(MINE)),-mine) cpu "$(N)"

clean: ## remove .kata/ (tool, overlays, reports, logs)
	@rm -rf .kata

##@ for maintainers (the tool's `kata dev ...` commands):

solution: tool ## run kata N's specs against the reference solution: make solution N=1
	@$(KATA) dev solution "$(N)" $(ARGS_WORDS)

mutant: tool ## run kata N's specs against mutant M: make mutant N=1 M=uint64-overflow
	@$(KATA) dev mutant "$(N)" "$(M)" $(ARGS_WORDS)

mutant-edit: tool ## write mutant M of kata N, patched, to .kata/mutant-edit/ to edit: make mutant-edit N=3 M=unbounded
	@$(KATA) dev mutant edit "$(N)" "$(M)"

mutant-save: tool ## diff the edited mutant M of kata N against the solution into its .patch: make mutant-save N=3 M=unbounded
	@$(KATA) dev mutant save "$(N)" "$(M)"

mutant-new: tool ## copy kata N's solution to .kata/mutant-edit/ to make a new mutant M (then mutant-save)
	@$(KATA) dev mutant new "$(N)" "$(M)"

mutants: tool ## each spec x each mutant, and each kata's contract; fails on a survivor or a clause not covered [ROUNDS=5: every mutant 5x per GOMAXPROCS=1,2,8]
	@$(KATA) dev mutants -j $(J) $(if $(ROUNDS),-rounds $(ROUNDS) -procs $(or $(PROCS),1$(comma)2$(comma)8)) $(N)

proof: tool ## prove katas (all, or N='1 3'; J=2 at a time): solution passes, stub fails, mutants die
	@$(KATA) dev proof -j $(J) $(N)

test: tool ## everything CI runs: gofmt, go vet, library specs, the proof of every kata (3 at a time, or J=)
	@$(KATA) dev test -j $(TEST_J)

stress: tool ## every solution (or N='1 3') RUNS=20 times with every core busy; any failure fails
	@$(KATA) dev stress -runs $(RUNS) $(N)

orders: tool ## every spec of every solution (or N='1 3') run alone, and in SEEDS=5 fixed random orders
	@$(KATA) dev orders -seeds $(SEEDS) -j $(J) $(N)

budgets: tool ## measure make kata N=k (warm, goal 3 s) and make test on 2 cores (goal 5 min)
	@$(KATA) dev budgets

check-format: tool ## list the .go files that are not gofmt clean
	@$(KATA) dev check-format

vet: tool ## go vet ./...
	@$(KATA) dev vet

bench: ## benchmarks: the fake server (req/s, latency at 160 in flight) and the CPU tasks
	@go test -run '^$$' -bench . -benchmem ./fakeserver/... ./harness/

tool: $(KATA) ## build the kata tool into .kata/bin/kata (when its sources changed)

$(KATA): $(KATA_SRC)
	@go build -o $(KATA) ./cmd/kata

