# hive — build, test and benchmark. `make bench` and `make test` are the two
# commands of the README's quick start; both work offline with no API key.

GO       ?= go
TAGS     := sqlite_fts5
PKG      := github.com/hiveperf/hive
VERSION  ?= $(shell git describe --tags --always 2>/dev/null || echo dev)
COMMIT   ?= $(shell git rev-parse HEAD 2>/dev/null)
DIRTY    ?= $(shell test -n "$$(git status --porcelain 2>/dev/null)" && echo true || echo false)
LDFLAGS  := -X $(PKG)/engine/buildinfo.Version=$(VERSION) -X $(PKG)/engine/buildinfo.Commit=$(COMMIT) -X $(PKG)/engine/buildinfo.Dirty=$(DIRTY)
GOFLAGS_BUILD := -tags $(TAGS) -trimpath -ldflags "$(LDFLAGS)"

# The engine packages run under the race detector; the rest (harness,
# formats, CLIs) without it, to keep `make test` well inside CI's budget.
ENGINE_PKGS := ./engine/...
OTHER_PKGS   = $(shell $(GO) list ./... | grep -v '/engine/')

BENCH_OUT   ?= bench-results.json
SUITE       ?= quick

.PHONY: all build test bench gate profile pgo lint fmt-check vet clean

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
	$(GO) test -tags $(TAGS) -race -count=1 $(ENGINE_PKGS)
	$(GO) test -tags $(TAGS) -count=1 $(OTHER_PKGS)
	# History in PostgreSQL, against a real throwaway server (installs
	# Debian's postgresql when root; says SKIP loudly when it cannot).
	bash ci/history-pg-test.sh

# The main job: the store benchmarks (go test -bench) until the harness's
# `hivebench run --suite quick` lands.
bench: build
	$(GO) test -tags $(TAGS) -run '^$$' -bench . -benchmem -benchtime 1s ./engine/store/

lint: fmt-check vet

clean:
	rm -rf bin gate-out $(BENCH_OUT)
