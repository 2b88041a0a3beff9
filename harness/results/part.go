package results

import (
	"fmt"
	"strconv"
	"strings"
)

// Part is one of the N parts of a run that was split across machines: a
// shard of a workload replay (a deterministic share of the tree's files)
// or a segment of a load run (a share of the arrivals or users). A part
// measured only its share, so it is never compared with a whole run
// (CheckComparable refuses); hivebench merge turns the N parts back into
// one file.
type Part struct {
	// Index is the part's number, 0 to Count-1.
	Index int `json:"index"`
	// Count is N, the number of parts of the whole run.
	Count int `json:"count"`
	// Files and Bytes are, for a replay shard, the regular files and
	// symlinks of the tree assigned to this shard and their bytes; the
	// shards' sums are the workload's files and bytes, which merge checks.
	Files int   `json:"files,omitempty"`
	Bytes int64 `json:"bytes,omitempty"`
}

// String is "I/N", as the command line spells it.
func (p Part) String() string { return strconv.Itoa(p.Index) + "/" + strconv.Itoa(p.Count) }

// MaxParts bounds N: a scheduler runs N jobs, and past a few hundred the
// per-part overhead (a process start, a fingerprint of the whole tree)
// dominates any tree hive is measured on.
const MaxParts = 1000

// ParsePart parses "I/N" with 0 ≤ I < N ≤ MaxParts. flag names the flag in
// errors ("--shard").
func ParsePart(flag, s string) (Part, error) {
	i, n, ok := strings.Cut(strings.TrimSpace(s), "/")
	idx, err1 := strconv.Atoi(i)
	cnt, err2 := strconv.Atoi(n)
	switch {
	case !ok || err1 != nil || err2 != nil:
		return Part{}, fmt.Errorf("%s %q: want I/N such as 0/3 (part I of N, counting from 0)", flag, s)
	case cnt < 1 || cnt > MaxParts:
		return Part{}, fmt.Errorf("%s %q: N is %d; want 1 to %d parts", flag, s, cnt, MaxParts)
	case idx < 0 || idx >= cnt:
		return Part{}, fmt.Errorf("%s %q: I is %d; want 0 ≤ I < N (%d), counting from 0 as Kubernetes' JOB_COMPLETION_INDEX does", flag, s, idx, cnt)
	}
	return Part{Index: idx, Count: cnt}, nil
}

// Merged records that a file was made by hivebench merge from the N parts
// of one run, and where each part ran: the parts may come from N machines,
// and the file's own Env is part 0's.
type Merged struct {
	// Of is "shard" or "segment".
	Of    string       `json:"of"`
	Count int          `json:"count"`
	Parts []MergedPart `json:"parts"`
}

// MergedPart is one part of a merged file.
type MergedPart struct {
	Index int `json:"index"`
	// Source is the path the part was read from, as given to merge.
	Source string `json:"source"`
	Env    Env    `json:"env"`
}

// LoadCounts are what a load run's thresholds judge besides latency
// samples: the counts per request kind, the open model's arrivals and
// drops, the declared latency and the thresholds themselves. hivebench load
// writes them into its results file so that hivebench merge can judge the
// thresholds once, on the union of a distributed run's segments
// (harness/load documents each figure).
type LoadCounts struct {
	// Model is "open" or "closed".
	Model      string   `json:"model"`
	Thresholds []string `json:"thresholds,omitempty"`
	// DeclaredNS is the declared upstream latency of one run of the mock
	// the harness started, 0 when it started none.
	DeclaredNS  int64      `json:"declared_ns,omitempty"`
	WindowNS    int64      `json:"window_ns"`
	Arrivals    int64      `json:"arrivals"`
	Dropped     int64      `json:"dropped"`
	Interrupted int64      `json:"interrupted"`
	Kinds       []LoadKind `json:"kinds"`
}

// LoadKind is one request kind's counts in LoadCounts.
type LoadKind struct {
	Kind     string `json:"kind"`
	Requests int64  `json:"requests"`
	OK       int64  `json:"ok"`
	Errors   int64  `json:"errors"`
	// Throughput is successful requests per second of the window; the
	// segments of one run run side by side, so theirs add up.
	Throughput    float64          `json:"throughput_per_s"`
	ErrorsByClass map[string]int64 `json:"errors_by_class,omitempty"`
}
