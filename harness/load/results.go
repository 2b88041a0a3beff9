package load

import (
	"context"
	"encoding/json"
	"errors"
	"maps"
	"os/exec"
	"time"

	"github.com/hiveperf/hive/harness/results"
	"github.com/hiveperf/hive/harness/stats"
)

// Benchmark names a load run writes into a results file. They are not in
// the results catalog (consensus.e2e there is one request on an idle
// server; these are the same requests under a scenario's load), so the
// scenario name in the suite ("load/seed-100-users") says which load.
const (
	BenchConsensus        = "consensus.load_consensus"
	BenchCacheHit         = "consensus.load_cache_hit"
	BenchConversationRead = "consensus.load_conversation_read"
	BenchOverhead         = "consensus.load_overhead"
	BenchRSS              = "memory.load_rss"
	BenchHeap             = "memory.load_heap_alloc"
)

var kindBench = map[Kind]string{
	KindConsensus:        BenchConsensus,
	KindCacheHit:         BenchCacheHit,
	KindConversationRead: BenchConversationRead,
}

// ToResults converts the report into a harness/results file (schema
// results.Schema): one benchmark per request kind with its raw latencies
// (ns, successful requests), the engine overhead, and server RSS and heap
// samples; throughput, errors, dropped arrivals and the soak slopes ride
// along as Extra figures. Thresholds are not part of the results format;
// the load report's JSON (Report.MarshalIndent) keeps them. The file is
// marked incomplete when the run was.
func ToResults(rep *Report) *results.File {
	f := results.NewFile("load/"+rep.Scenario.Name, results.Fingerprint{})
	f.Segment = rep.Segment
	f.Load = rep.Counts()
	for _, k := range rep.Kinds {
		l := k.Latency
		if l == nil {
			continue
		}
		extra := []results.Figure{
			{Name: "throughput", Value: k.Throughput, Unit: "requests/s"},
			{Name: "requests", Value: float64(k.Requests), Unit: "requests"},
			{Name: "errors", Value: float64(k.Errors), Unit: "requests"},
		}
		if Kind(k.Kind) == KindConsensus && rep.Scenario.Model == Open {
			extra = append(extra, results.Figure{Name: "dropped", Value: float64(rep.Dropped), Unit: "requests"})
		}
		f.Add(results.Benchmark{Name: kindBench[Kind(k.Kind)], Metric: results.Consensus, Unit: "ns",
			Direction: results.LowerIsBetter, Samples: l.samples, Summary: l.Summary, Extra: extra})
	}
	if o := rep.Overhead; o != nil {
		f.Add(results.Benchmark{Name: BenchOverhead, Metric: results.Consensus, Unit: "ns",
			Direction: results.LowerIsBetter, Samples: o.samples, Summary: o.Summary})
	}
	// Every replica's samples: each is the RSS of a hive serve under this
	// load.
	var rss, heap []float64
	for _, mem := range append([]MemoryReport{rep.Memory}, rep.ReplicaMemory...) {
		for _, m := range mem.Samples {
			if m.RSS > 0 {
				rss = append(rss, float64(m.RSS))
			}
			if m.HeapAlloc > 0 {
				heap = append(heap, float64(m.HeapAlloc))
			}
		}
	}
	slopes := map[string]results.Figure{}
	if rep.Soak != nil {
		for _, v := range rep.Soak.Verdicts {
			if v.Note == "" && v.Unit == "bytes/min" {
				slopes[v.Series] = results.Figure{Name: "slope", Value: v.Slope / 60, Unit: "B/s"}
			}
		}
	}
	if len(rss) > 0 {
		b := results.Benchmark{Name: BenchRSS, Metric: results.Memory, Unit: "bytes",
			Direction: results.LowerIsBetter, Samples: rss, Summary: stats.Summarize(rss)}
		if rep.Memory.PeakRSS > 0 {
			b.Extra = append(b.Extra, results.Figure{Name: "peak_vmhwm", Value: float64(rep.Memory.PeakRSS), Unit: "bytes"})
		}
		if s, ok := slopes["rss"]; ok {
			b.Extra = append(b.Extra, s)
		}
		f.Add(b)
	}
	if len(heap) > 0 {
		b := results.Benchmark{Name: BenchHeap, Metric: results.Memory, Unit: "bytes",
			Direction: results.LowerIsBetter, Samples: heap, Summary: stats.Summarize(heap)}
		if s, ok := slopes["heap_alloc"]; ok {
			b.Extra = append(b.Extra, s)
		}
		f.Add(b)
	}
	if rep.Complete && len(f.Benchmarks) > 0 {
		f.MarkComplete()
	} else if !rep.Complete {
		f.MarkIncomplete(rep.IncompleteReason)
	} else {
		f.MarkIncomplete("no request succeeded, so there is no latency to record")
	}
	return f
}

// Counts are the report's counts and thresholds as a results file keeps
// them (results.LoadCounts), so that thresholds can be judged again from
// the file (JudgeFile), or on the union of segments once merged.
func (rep *Report) Counts() *results.LoadCounts {
	c := &results.LoadCounts{
		Model: string(rep.Scenario.Model), Thresholds: rep.Scenario.Thresholds,
		DeclaredNS: int64(rep.declared), WindowNS: int64(rep.Window),
		Arrivals: rep.Arrivals, Dropped: rep.Dropped, Interrupted: rep.Interrupted,
	}
	for _, k := range rep.Kinds {
		lk := results.LoadKind{Kind: k.Kind, Requests: k.Requests, OK: k.OK, Errors: k.Errors, Throughput: k.Throughput}
		if len(k.ErrorsByClass) > 0 {
			lk.ErrorsByClass = maps.Clone(k.ErrorsByClass)
		}
		c.Kinds = append(c.Kinds, lk)
	}
	return c
}

// StampBuild records the build of the measured hive binary (`bin version
// --json`) in f, which results.NewFile stamps with hivebench's own. On an
// error f keeps that stamp.
func StampBuild(ctx context.Context, f *results.File, bin string) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, bin, "version", "--json").Output()
	var v struct {
		Commit string `json:"commit"`
		Dirty  bool   `json:"dirty"`
	}
	if err == nil {
		err = json.Unmarshal(out, &v)
	}
	if err == nil && v.Commit == "" {
		err = errors.New("no commit in its output")
	}
	if err != nil {
		return err
	}
	f.Env.Commit, f.Env.Dirty = v.Commit, v.Dirty
	return nil
}
