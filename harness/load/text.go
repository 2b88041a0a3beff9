package load

import (
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
)

// WriteText writes the report for a terminal: the load shape, a table of
// counts and latency per kind, errors by class, engine overhead, server
// memory, the generator's own lag, and every threshold with ✅ or ❌.
func WriteText(w io.Writer, rep *Report) error {
	ew := &errWriter{w: w}
	sc := &rep.Scenario
	ew.printf("hivebench load: %s — %s\n", sc.Name, sc.Describe())
	ew.printf("target: %s", rep.Target)
	if rep.ServerPID > 0 {
		ew.printf(" (hive serve pid %d, started by the harness)", rep.ServerPID)
	}
	if len(rep.Replicas) > 0 {
		ew.printf(" and %s, round robin", strings.Join(rep.Replicas, ", "))
	}
	ew.printf("\n")
	if p := rep.Segment; p != nil {
		if sc.Model == Open {
			ew.printf("segment %s: the arrivals i ≡ %d (mod %d) of the schedule, %d of the %d in-flight slots\n", p, p.Index, p.Count, share(sc.MaxInFlight, *p), sc.MaxInFlight)
		} else {
			ew.printf("segment %s: the users u ≡ %d (mod %d), %d of %d\n", p, p.Index, p.Count, share(sc.Users, *p), sc.Users)
		}
	}
	if rep.DeclaredMS > 0 {
		ew.printf("mock LLM: ttft %v, itl %v, %d tokens per reply → declared latency per run %s (stages × (TTFT + tokens × ITL))\n",
			sc.Mock.TTFT, sc.Mock.ITL, sc.Mock.tokens(), formatMS(rep.DeclaredMS*1e6))
	}
	if rep.Warmup != "" {
		ew.printf("warm-up: %s\n", rep.Warmup)
	}
	status := "complete"
	if !rep.Complete {
		status = "INCOMPLETE — " + rep.IncompleteReason
	}
	ew.printf("run: %s; issued for %.1fs, last answer at %.1fs\n\n", status, rep.Window.Seconds(), rep.Elapsed.Seconds())

	tw := tabwriter.NewWriter(ew, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "kind\trequests\tok\terrors\tok/s\tp50\tp90\tp95\tp99\tmax\t\n")
	rows := append(append([]KindStats(nil), rep.Kinds...), rep.All)
	for _, k := range rows {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%.2f\t", k.Kind, k.Requests, k.OK, k.Errors, k.Throughput)
		if l := k.Latency; l != nil {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t\n", ms(l.P50MS), ms(l.P90MS), ms(l.P95MS), ms(l.P99MS), ms(l.MaxMS))
		} else {
			fmt.Fprintf(tw, "-\t-\t-\t-\t-\t\n")
		}
	}
	tw.Flush()
	ew.printf("(latency of successful requests; %s)\n", latencyOrigin(sc.Model))
	if sc.Model == Open {
		ew.printf("arrivals %d, dropped %d (no in-flight slot free within the arrival's slot)", rep.Arrivals, rep.Dropped)
	} else {
		ew.printf("requests issued %d", rep.All.Requests+rep.Interrupted)
	}
	ew.printf(", interrupted %d, request cap %d\n", rep.Interrupted, rep.MaxRequests)
	if k := rep.Kind(KindConsensus); k.OK > 0 && sc.Model == Closed {
		ew.printf("sustained consensus runs/s: %.2f\n", k.Throughput)
	}

	if len(rep.Errors) == 0 {
		ew.printf("errors: none\n")
	} else {
		ew.printf("errors: %d of %d requests (%.2f%%)\n", rep.All.Errors, rep.All.Requests, 100*rep.ErrorRate())
		for _, e := range rep.Errors {
			ew.printf("  %-20s %6d  %s", e.Class, e.Count, byKind(e.ByKind))
			if e.Example != "" {
				ew.printf("  e.g. %q", e.Example)
			}
			ew.printf("\n")
		}
	}
	if o := rep.Overhead; o != nil {
		ew.printf("engine overhead (overhead_ms of %d consensus replies): p50 %s, p90 %s, p99 %s, max %s\n",
			o.N, ms(o.P50MS), ms(o.P90MS), ms(o.P99MS), ms(o.MaxMS))
	}
	writeMemory(ew, &rep.Memory)
	for i := range rep.ReplicaMemory {
		ew.printf("replica %s: ", rep.Replicas[i])
		writeMemory(ew, &rep.ReplicaMemory[i])
	}
	if l := rep.IssueLag; l != nil {
		ew.printf("generator: scheduled arrival → request handed to the client: p50 %s, p99 %s, max %s\n", ms(l.P50MS), ms(l.P99MS), ms(l.MaxMS))
	}
	if s := rep.Soak; s != nil {
		writeSoak(ew, s)
	}
	if rep.Segment != nil && len(sc.Thresholds) > 0 {
		ew.printf("\nthresholds: not judged on one segment; hivebench merge judges them once, on the union of the %d segments\n", rep.Segment.Count)
	}
	if len(rep.Thresholds) > 0 {
		ew.printf("\n")
		writeThresholds(ew, rep.Thresholds)
	}
	return ew.err
}

// WriteThresholds writes evaluated thresholds with ✅ or ❌, as the report
// ends.
func WriteThresholds(w io.Writer, ts []ThresholdResult) error {
	ew := &errWriter{w: w}
	writeThresholds(ew, ts)
	return ew.err
}

func writeThresholds(ew *errWriter, ts []ThresholdResult) {
	ew.printf("thresholds:\n")
	for _, t := range ts {
		mark := "✅"
		if !t.OK {
			mark = "❌"
		}
		bound := ""
		if t.Declared {
			bound = " (" + t.Op + " " + t.Bound + ")"
		}
		ew.printf("  %s %s%s  measured %s", mark, t.Expr, bound, orDash(t.MeasuredText))
		if t.Note != "" {
			ew.printf("  — %s", t.Note)
		}
		ew.printf("\n")
	}
}

func latencyOrigin(m Model) string {
	if m == Open {
		return "measured from each request's scheduled arrival, so waiting for a slot counts"
	}
	return "closed model: measured from the actual send"
}

func writeMemory(ew *errWriter, m *MemoryReport) {
	if len(m.Samples) == 0 {
		ew.printf("server memory: no samples")
		if m.LastFailure != "" {
			ew.printf(" (%s)", m.LastFailure)
		}
		ew.printf("\n")
		return
	}
	var first, peak, last int64
	for _, s := range m.Samples {
		if s.RSS > 0 {
			if first == 0 {
				first = s.RSS
			}
			peak = max(peak, s.RSS)
			last = s.RSS
		}
	}
	if first > 0 {
		ew.printf("server RSS (%s, %d samples): start %s, max %s, end %s", m.RSSSource, len(m.Samples), mb(first), mb(peak), mb(last))
		if m.PeakRSS > 0 {
			ew.printf("; peak (VmHWM) %s", mb(m.PeakRSS))
		}
		ew.printf("\n")
	}
	l := m.Samples[len(m.Samples)-1]
	if l.HeapAlloc > 0 || l.Goroutines > 0 {
		ew.printf("server at the end: Go heap %s, %d goroutines\n", mb(l.HeapAlloc), l.Goroutines)
	}
	if m.Failures > 0 {
		ew.printf("memory sampling failed %d times; last: %s\n", m.Failures, m.LastFailure)
	}
}

func writeSoak(ew *errWriter, s *SoakReport) {
	ew.printf("\nsoak: least-squares slope per minute after a %.0fs warm-up, %.0f%% confidence interval (Student t on the residuals)\n", s.WarmupS, 100*s.Level)
	for _, v := range s.Verdicts {
		mark := map[string]string{VerdictNoLeak: "✅", VerdictLeak: "❌", VerdictInconclusive: "❔"}[v.Verdict]
		f := func(x float64) string {
			if v.Unit == "bytes/min" {
				return signedMB(x) + "/min"
			}
			return strconv.FormatFloat(x, 'f', 2, 64) + "/min"
		}
		ew.printf("  %s %-10s %-12s slope %s, CI [%s, %s], bound %s, n=%d", mark, v.Series, v.Verdict, f(v.Slope), f(v.Lo), f(v.Hi), f(v.Bound), v.N)
		if v.Note != "" {
			ew.printf(" — %s", v.Note)
		}
		ew.printf("\n")
	}
}

func byKind(m map[string]int64) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s %d", k, m[k])
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

func ms(v float64) string { return formatMS(v * 1e6) }

func mb(b int64) string { return fmt.Sprintf("%.1f MB", float64(b)/1e6) }

func signedMB(b float64) string { return fmt.Sprintf("%+.3f MB", b/1e6) }

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// errWriter keeps the first write error so the renderer can write freely
// and report once.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(p)
	e.err = err
	return n, err
}

func (e *errWriter) printf(format string, args ...any) { fmt.Fprintf(e, format, args...) }
