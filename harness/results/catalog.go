package results

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// Spec documents one benchmark id: what it measures, in which unit, and
// which way is better. Results files may carry benchmarks that are not in
// the catalog (a new benchmark need not edit this package to be recorded),
// but targets.yaml may only name catalogued ids, so that a typo in a target
// is an error instead of a target that is silently never checked.
type Spec struct {
	Name      string
	Family    Family
	Unit      string // the unit producers write samples in
	Direction Direction
	What      string
}

// Catalog is the list of documented benchmark ids, in report order.
var Catalog = []Spec{
	{"startup.serve", Startup, "ms", LowerIsBetter, "exec `hive serve` on a free loopback port until the first 200 from /healthz"},
	{"startup.version", Startup, "ms", LowerIsBetter, "exec `hive version` until exit (reported; not what startup means)"},
	{"startup.first_read", Startup, "ms", LowerIsBetter, "GET /v1/conversations/1 right after `hive serve`'s first 200: the first request that needs the store"},
	{"startup.later_read", Startup, "ms", LowerIsBetter, "the same request again, right after: the steady state startup.first_read is held to"},
	{"startup.floor", Startup, "ms", LowerIsBetter, "exec a Go hello-world built with hive's toolchain until exit: this machine's floor under startup.version"},
	{"startup.init", Startup, "ms", LowerIsBetter, "package initialisation of `hive version`: the clock times of GODEBUG=inittrace=1, summed over packages"},
	{"memory.idle_rss", Memory, "bytes", LowerIsBetter, "RSS of an idle `hive serve` after startup"},
	{"memory.serve_peak_rss", Memory, "bytes", LowerIsBetter, "peak RSS (VmHWM) of `hive serve` after concurrent consensus runs"},
	{"memory.analyze_peak_rss", Memory, "bytes", LowerIsBetter, "peak RSS of `hive analyze --no-cache` over the workload"},
	{"memory.analyze_warm_peak_rss", Memory, "bytes", LowerIsBetter, "peak RSS of the unchanged `hive analyze` rerun (workload replay)"},
	{"parsing.per_file", Parsing, "ms/file", LowerIsBetter, "analyze latency of one file, one sample per file of the workload tree"},
	{"parsing.files_per_sec", Parsing, "files/s", HigherIsBetter, "files analysed per second of `hive analyze` wall time"},
	{"parsing.mb_per_sec", Parsing, "MB/s", HigherIsBetter, "source megabytes analysed per second of `hive analyze` wall time"},
	{"parsing.wall", Parsing, "s", LowerIsBetter, "`hive analyze --no-cache` exec to exit over the workload"},
	{"parsing.parse_only_wall", Parsing, "s", LowerIsBetter, "`hive analyze --parse-only` (walk, read, tree-sitter parse; nothing extracted or stored) exec to exit over the workload"},
	{"parsing.vs_parse_only", Parsing, "x", LowerIsBetter, "cold `hive analyze` wall time over the parse-only baseline's on the same tree, one sample per replay pair"},
	{"parsing.warm_wall", Parsing, "s", LowerIsBetter, "`hive analyze` rerun on an unchanged tree (workload replay), exec to exit"},
	{"parsing.warm_per_file", Parsing, "ms/file", LowerIsBetter, "per-file time of the unchanged rerun (stat and cache check, no parse)"},
	{"consensus.e2e", Consensus, "ms", LowerIsBetter, "one consensus request through `hive serve` against the mock LLM's declared latency, end to end"},
	{"consensus.e2e_overhead", Consensus, "ms", LowerIsBetter, "engine overhead of the consensus.e2e requests: tokens spaced as the declared latency spaces them"},
	{"consensus.overhead", Consensus, "ms", LowerIsBetter, "engine overhead of one consensus request: end-to-end minus upstream LLM time"},
	{"consensus.overhead_c100", Consensus, "ms", LowerIsBetter, "engine overhead per run with 100 concurrent runs against a zero-latency mock"},
	{"consensus.serve_cpu_per_run", Consensus, "ms", LowerIsBetter, "CPU time of `hive serve` per four-stage run over a sequential series against the zero-latency mock, records included (schedstat)"},
	{"consensus.c100_serve_cpu", Consensus, "ms", LowerIsBetter, "CPU time of `hive serve` per run over the 100 simultaneous runs, records included (schedstat)"},
	{"consensus.cache_hit", Consensus, "ms", LowerIsBetter, "a consensus request answered from the response cache, end to end"},
	{"consensus.http_floor", Consensus, "ms", LowerIsBetter, "GET /healthz timed like consensus.cache_hit on its connection: the loopback HTTP floor under a hit"},
	// Load runs (hivebench load): latency from the scheduled start, per
	// request kind, and the server's memory sampled over the run.
	{"consensus.load_consensus", Consensus, "ns", LowerIsBetter, "a consensus request under load, from its scheduled start (coordinated-omission safe)"},
	{"consensus.load_cache_hit", Consensus, "ns", LowerIsBetter, "a cached consensus request under load, from its scheduled start"},
	{"consensus.load_conversation_read", Consensus, "ns", LowerIsBetter, "GET /v1/conversations/{id} under load, from its scheduled start"},
	{"consensus.load_overhead", Consensus, "ns", LowerIsBetter, "engine overhead (wall - upstream) of each consensus run under load"},
	{"memory.load_rss", Memory, "bytes", LowerIsBetter, "RSS of `hive serve` sampled during a load run"},
	{"memory.load_heap_alloc", Memory, "bytes", LowerIsBetter, "Go heap in use of `hive serve` sampled during a load run"},
	// The database ids are "database." + the op names of store.MeasureOps
	// (engine/store/opbench.go), which `hive db bench` runs inside the
	// binary under test.
	{"database.insert_message", Database, "ns", LowerIsBetter, "store.InsertMessage: one stage message, one row"},
	{"database.read_conversation", Database, "ns", LowerIsBetter, "store.Conversation: one run with its 4 messages"},
	{"database.cache_put", Database, "ns", LowerIsBetter, "store.CachePut: one 2 KB response, one row"},
	{"database.cache_get", Database, "ns", LowerIsBetter, "store.CacheGet: one hit, one row"},
	{"database.upsert_file_50_symbols", Database, "ns", LowerIsBetter, "store.UpsertFiles: one file with 50 symbols, FTS kept in sync"},
	{"database.search_symbols", Database, "ns", LowerIsBetter, "store.SearchSymbols: FTS5 prefix query, limit 20"},
	{"database.record_run", Database, "ns", LowerIsBetter, "store.RecordRun: one run and its 4 messages in a transaction"},
}

// LookupSpec returns the catalog entry for a benchmark id.
func LookupSpec(name string) (Spec, bool) {
	for _, s := range Catalog {
		if s.Name == name {
			return s, true
		}
	}
	return Spec{}, false
}

// CatalogNames returns the catalogued ids, sorted, for error messages.
func CatalogNames() []string {
	out := make([]string, 0, len(Catalog))
	for _, s := range Catalog {
		out = append(out, s.Name)
	}
	sort.Strings(out)
	return out
}

// IsFamily reports whether f is one of the five families.
func IsFamily(f Family) bool {
	for _, k := range Families {
		if k == f {
			return true
		}
	}
	return false
}

// IsImported reports whether f is the family of an imported benchmark
// (gobench, hyperfine, k6).
func IsImported(f Family) bool {
	for _, k := range Imported {
		if k == f {
			return true
		}
	}
	return false
}

func importedList() string {
	s := make([]string, len(Imported))
	for i, f := range Imported {
		s[i] = string(f)
	}
	return strings.Join(s, ", ")
}

// KnownFamily reports whether f is a seed family or an imported one.
func KnownFamily(f Family) bool { return IsFamily(f) || IsImported(f) }

func familyList() string {
	s := make([]string, len(Families))
	for i, f := range Families {
		s[i] = string(f)
	}
	return strings.Join(s, ", ")
}

var nameRE = regexp.MustCompile(`^[a-z][a-z0-9]*\.[a-z0-9][a-z0-9_]*$`)

// CheckName checks that name is a well-formed benchmark id, FAMILY.WHAT in
// lower case with a known family, and returns its family.
func CheckName(name string) (Family, error) {
	if !nameRE.MatchString(name) {
		return "", fmt.Errorf("benchmark name %q is not FAMILY.WHAT in lower case (e.g. startup.serve, database.insert_message)", name)
	}
	fam := Family(name[:strings.IndexByte(name, '.')])
	if !KnownFamily(fam) {
		return "", fmt.Errorf("benchmark name %q has unknown family %q; families are %s (and %s for imported benchmarks)", name, fam, familyList(), importedList())
	}
	return fam, nil
}
