package probe

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/hiveperf/hive/harness/compare"
	"github.com/hiveperf/hive/harness/subject"
)

type databaseProbe struct{ cfg Config }

func (p *databaseProbe) Family() string { return Database }

func (p *databaseProbe) Metrics() []Metric {
	if p.cfg.Subject != nil && p.cfg.Subject.Database == nil {
		return nil
	}
	out := make([]Metric, len(p.cfg.DBOpNames))
	for i, op := range p.cfg.DBOpNames {
		how := "timed inside the binary under test by `hive db bench`"
		if p.cfg.Subject != nil {
			how = fmt.Sprintf("timed inside subject %s's database command", p.cfg.Subject.Name)
		}
		out[i] = Metric{Name: "database." + op, Family: Database, Unit: "ns", Direction: compare.LowerIsBetter,
			Description: fmt.Sprintf("store operation %s on a file database in WAL mode, %s", op, how),
			Sample:      fmt.Sprintf("one %s call, of %d per round, on a database that was empty when the round began", op, p.cfg.DBOps)}
	}
	return out
}

func (p *databaseProbe) Setup(ctx context.Context, t Target) (Session, error) {
	b, err := newBase(ctx, p.cfg, t, Database)
	if err != nil {
		return nil, err
	}
	s := &databaseSession{base: b, metrics: p.Metrics()}
	if err := warmUp(ctx, s, p.cfg.WarmupRounds); err != nil {
		_ = s.Close()
		return nil, err
	}
	return s, nil
}

type databaseSession struct {
	*base
	metrics []Metric
}

// benchOutput is `hive db bench --json`.
type benchOutput struct {
	Ops  map[string][]float64 `json:"ops"`
	Unit string               `json:"unit"`
}

// nanosPer converts the units `hive db bench` may report to ns.
var nanosPer = map[string]float64{"": 1, "ns": 1, "us": 1e3, "µs": 1e3, "ms": 1e6, "s": 1e9}

// Round runs `hive db bench` on an empty database. The store operations
// are timed inside the binary (the store is in-process to it), which is
// the only way to compare the store code of two binaries without the
// process's startup in every sample.
func (s *databaseSession) Round(ctx context.Context) (map[string][]float64, error) {
	ctx, cancel := s.roundCtx(ctx)
	defer cancel()
	db, err := s.freshDB("database.db")
	if err != nil {
		return nil, err
	}
	stdout := &capped{max: 1<<20 + 32*s.cfg.DBOps*(len(s.cfg.DBOpNames)+8)}
	spec := s.spec("db", "bench", "--db", db, "--ops", strconv.Itoa(s.cfg.DBOps), "--json")
	if s.sub != nil {
		if spec, err = s.subjectSpec("database.command", s.sub.Database.Command,
			map[string]string{subject.DB: db, subject.Ops: strconv.Itoa(s.cfg.DBOps)}); err != nil {
			return nil, err
		}
	}
	spec.Stdout = stdout
	p, err := s.runToExit(ctx, spec)
	if err != nil {
		return nil, err
	}
	out, err := parseBench(stdout, s.cfg.DBOpNames, s.cfg.DBOps)
	if err != nil {
		return nil, failure(ctx, p, fmt.Errorf("%s: `%s`: %w", s.label(), s.command(spec), err))
	}
	if err := checkRound(Database, s.metrics, out); err != nil {
		return nil, err
	}
	return out, nil
}

func parseBench(stdout *capped, ops []string, n int) (map[string][]float64, error) {
	if stdout.over {
		return nil, fmt.Errorf("printed over %d bytes; want one JSON object of %d samples per operation", stdout.max, n)
	}
	var b benchOutput
	if err := json.Unmarshal(stdout.buf, &b); err != nil {
		return nil, fmt.Errorf("output is not {\"ops\": {NAME: [ns, …]}}: %v", err)
	}
	scale, ok := nanosPer[b.Unit]
	if !ok {
		return nil, fmt.Errorf("unit %q; want ns, us, ms or s", b.Unit)
	}
	out := make(map[string][]float64, len(ops))
	for _, op := range ops {
		s, ok := b.Ops[op]
		if !ok {
			return nil, fmt.Errorf("no samples for operation %q (Config.DBOpNames); the binary reports %s", op, opList(b.Ops))
		}
		if len(s) != n {
			return nil, fmt.Errorf("operation %q has %d samples; asked for --ops %d", op, len(s), n)
		}
		ns := make([]float64, len(s))
		for i, v := range s {
			if v < 0 {
				return nil, fmt.Errorf("operation %q sample %d is negative (%v)", op, i, v)
			}
			ns[i] = v * scale
		}
		out["database."+op] = ns
	}
	return out, nil
}

func opList(m map[string][]float64) string {
	if len(m) == 0 {
		return "none"
	}
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

func (s *databaseSession) Close() error { return s.close() }
