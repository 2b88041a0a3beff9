package history

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"time"

	"github.com/hiveperf/hive/harness/results"
)

// Run is one recorded results file, as listed by Backend.Runs.
type Run struct {
	ID           int64
	Date         time.Time // the run's env.date
	Commit       string
	Dirty        bool
	Suite        string
	Complete     bool
	WorkloadHash string
	Benchmarks   int
}

// Point is one metric's summary at one run, as returned by Backend.Series.
type Point struct {
	RunID  int64
	Date   time.Time
	Commit string
	Metric string
	Unit   string
	N      int
	P50    float64
	P95    float64
	P99    float64
	Mean   float64
	Min    float64
	Max    float64
}

// Backend is where history lives. Implementations must be safe for one
// caller at a time; hivebench opens one per command.
type Backend interface {
	// Record stores a results file and its exact bytes. It returns the
	// run's id and whether it was new; a document already recorded
	// (same SHA-256) returns the existing id and false.
	Record(ctx context.Context, f *results.File, doc []byte) (id int64, added bool, err error)
	// Runs returns the newest limit runs, newest first (limit <= 0: all).
	Runs(ctx context.Context, limit int) ([]Run, error)
	// Metrics returns the names of all recorded metrics, sorted.
	Metrics(ctx context.Context) ([]string, error)
	// Series returns the newest limit points of metric, oldest first
	// (limit <= 0: all).
	Series(ctx context.Context, metric string, limit int) ([]Point, error)
	// Where names the store for messages, without secrets.
	Where() string
	Close() error
}

func docHash(doc []byte) string {
	h := sha256.Sum256(doc)
	return hex.EncodeToString(h[:])
}
