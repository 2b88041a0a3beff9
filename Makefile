# hive — build, test and benchmark. `make bench` and `make test` are the two
# commands of the README's quick start; both work offline with no API key.

GO       ?= go
TAGS     := sqlite_fts5
PKG      := github.com/hiveperf/hive
VERSION  ?= $(shell git describe --tags --always 2>/dev/null || echo dev)
COMMIT   ?= $(shell git rev-parse HEAD 2>/dev/null)
DIRTY    ?= $(shell test -n "$$(git status --porcelain 2>/dev/null)" && echo true || echo false)
LDFLAGS  := -X $(PKG)/internal/buildinfo.Version=$(VERSION) -X $(PKG)/internal/buildinfo.Commit=$(COMMIT) -X $(PKG)/internal/buildinfo.Dirty=$(DIRTY)
GOFLAGS_BUILD := -tags $(TAGS) -trimpath -ldflags "$(LDFLAGS)"

# The engine packages and the command-line kit both binaries share (which
# lived under engine/ until it moved to internal/) run under the race
# detector; the rest (harness, formats, CLIs) without it, to keep `make
# test` well inside CI's budget.
RACE_PKGS := ./engine/... ./internal/cli/... ./internal/exitcode/... ./internal/buildinfo/... ./internal/profiling/...
OTHER_PKGS = $(shell $(GO) list ./... | grep -v -e '/engine/' -e '/internal/cli' -e '/internal/exitcode' -e '/internal/buildinfo' -e '/internal/profiling')

BENCH_OUT   ?= bench-results.json
SUITE       ?= quick

.PHONY: all build test bench bench-store gate profile pgo lint fmt-check vet clean

all: build

build:
	@mkdir -p bin
	$(GO) build $(GOFLAGS_BUILD) -o bin/hive ./cmd/hive
	$(GO) build $(GOFLAGS_BUILD) -o bin/hivebench ./cmd/hivebench

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet -tags $(TAGS) ./...

test: fmt-check vet
	$(GO) test -tags $(TAGS) -race -count=1 $(RACE_PKGS)
	# The store's readers-and-writer test 90 times under the race detector:
	# a failure rate of 5% shows with 99% confidence (0.95^90 < 0.01).
	$(GO) test -tags $(TAGS) -race -count=90 -run 'TestConcurrentReadersAndWriter$$' ./engine/store/
	$(GO) test -tags $(TAGS) -count=1 $(OTHER_PKGS)
	# History in PostgreSQL, against a real throwaway server (installs
	# Debian's postgresql when root; says SKIP loudly when it cannot).
	bash ci/history-pg-test.sh
	# ci/'s own Go module (test-only dependencies stay out of go.mod):
	# actionlint and the token permissions of every workflow in ci/github,
	# the GitLab examples' structure, and the official OpenAI clients (the
	# Go SDK, the npm package under Node) against a real hive serve.
	bash ci/module-test.sh

# The main job: all five seed metrics measured from outside the built
# binary (startup, memory, parsing on a GOROOT subset, consensus through
# hive serve against the in-process mock LLM, database), one table, and a
# results file. Offline, no API key, under 3 minutes on 2 cores.
bench: build
	bin/hivebench run --suite $(SUITE) --out $(BENCH_OUT)

# The store's go test -bench figures (ns/op of each hot operation).
bench-store:
	$(GO) test -tags $(TAGS) -run '^$$' -bench . -benchmem -benchtime 1s ./engine/store/

# Gate the working tree's binary against BASE (a git ref, default
# origin/main, else HEAD~1): ci/gate.sh builds both in temporary worktrees.
BASE ?= $(shell git rev-parse --verify -q origin/main >/dev/null && echo origin/main || echo HEAD~1)
gate:
	ci/gate.sh $(BASE) HEAD gate-out

# CPU and wall-clock (fgprof) profiles of the parsing workload.
profile: build
	bin/hivebench profile parsing --cpu --fgprof --out profile-out

# Profile-guided optimisation: profile representative workloads, merge the
# CPU profiles into cmd/hive/default.pgo (which go build then uses), and
# measure the gain with the A/B gate of the non-PGO against the PGO binary.
PGO_DIR := pgo-out
pgo: build
	rm -rf $(PGO_DIR) && mkdir -p $(PGO_DIR)
	bin/hivebench profile parsing --cpu --suite ci --out $(PGO_DIR)/parsing
	bin/hivebench profile consensus --cpu --seconds 20 --out $(PGO_DIR)/consensus
	bin/hivebench profile database --cpu --out $(PGO_DIR)/database
	$(GO) tool pprof -proto $$(find $(PGO_DIR) -name '*.cpu.pprof') > cmd/hive/default.pgo
	$(GO) build $(GOFLAGS_BUILD) -pgo=off -o bin/hive-nopgo ./cmd/hive
	$(GO) build $(GOFLAGS_BUILD) -pgo=auto -o bin/hive ./cmd/hive
	$(GO) build -tags $(TAGS) -trimpath -ldflags "-s -w $(LDFLAGS)" -o $(PGO_DIR)/hive-stripped ./cmd/hive
	@ls -l bin/hive-nopgo bin/hive $(PGO_DIR)/hive-stripped | awk '{print $$5, $$9}'
	bin/hivebench gate --base-bin bin/hive-nopgo --head-bin bin/hive --metrics parsing,consensus,database --time-budget 5m --out $(PGO_DIR)/gate; \
	  echo "pgo: gate exit $$? (0: no regression; see $(PGO_DIR)/gate/summary.md for the measured change)"

lint: fmt-check vet

clean:
	rm -rf bin gate-out profile-out $(PGO_DIR) $(BENCH_OUT)
