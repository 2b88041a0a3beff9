package probe

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/hiveperf/hive/harness/launch"
	"github.com/hiveperf/hive/harness/probe/proc"
	"github.com/hiveperf/hive/harness/subject"
	"github.com/hiveperf/hive/internal/exitcode"
)

// This file is where a subject (Config.Subject) differs from hive in how a
// process is started; what is measured, and how, stays in the probes.

// command is a spec as the user would type it, for errors.
func (b *base) command(spec proc.Spec) string {
	if b.sub != nil {
		return strings.Join(append([]string{filepath.Base(spec.Path)}, spec.Args...), " ")
	}
	return "hive " + strings.Join(spec.Args, " ")
}

// subjectSpec is one of the subject's commands (field names it in errors)
// with its placeholders replaced, run in the subject's directory.
func (b *base) subjectSpec(field string, argv []string, vars map[string]string) (proc.Spec, error) {
	prog, err := b.sub.Program(argv)
	if err != nil {
		return proc.Spec{}, exitcode.InfraError("%s: %s: program %q: %v; build or install the subject first", b.label(), field, argv[0], err)
	}
	args := subject.Expand(argv, vars)[1:]
	return proc.Spec{Path: prog, Args: args, Env: b.env, Dir: b.sub.Dir, StopGrace: b.cfg.StopGrace}, nil
}

// startSubjectServe starts the subject's server on a free loopback port
// with db and the LLM at llm (in serve.llm_env), through the same
// launcher, and so the same startup span, as hive serve.
func (b *base) startSubjectServe(ctx context.Context, client *http.Client, db, llm string) (*server, error) {
	port, err := launch.FreePort()
	if err != nil {
		return nil, exitcode.InfraError("%s: picking a loopback port: %v", b.label(), err)
	}
	url := "http://127.0.0.1:" + strconv.Itoa(port)
	spec, err := b.subjectSpec("serve.command", b.sub.Serve.Command,
		map[string]string{subject.Port: strconv.Itoa(port), subject.DB: db, subject.LLM: llm})
	if err != nil {
		return nil, err
	}
	env := spec.Env
	if b.sub.Serve.LLMEnv != "" {
		env = append(append([]string(nil), env...), b.sub.Serve.LLMEnv+"="+llm)
	}
	s, err := launch.Start(ctx, launch.Config{Bin: spec.Path, Args: spec.Args, URL: url, Health: b.sub.Serve.Health,
		Name: b.label() + " serve", Env: env, Dir: spec.Dir,
		ReadyTimeout: b.cfg.ReadyTimeout, TimeoutName: "Config.ReadyTimeout", StopGrace: b.cfg.StopGrace, Client: client})
	if err != nil {
		return nil, failure(ctx, nil, err)
	}
	return &server{s: s, p: s.Process(), base: s.URL, ready: s.Ready}, nil
}

// checkAlone refuses a server with child processes: its own RSS or CPU
// would be a part of what serves, a number that looks like a measurement
// and is not one. (A wrapper such as `npm start` or `sh -c` is the usual
// cause.)
func checkAlone(pid int, label string) error {
	kids, err := children(pid)
	if err != nil {
		return exitcode.InfraError("%s: listing the server's child processes: %v", label, err)
	}
	if len(kids) > 0 {
		return exitcode.InfraError("%s: the server (pid %d) has child processes %v; memory and CPU are read from the server's own PID, so serve.command must be the server itself, not a wrapper such as npm start or sh -c", label, pid, kids)
	}
	return nil
}

// children lists the PIDs whose parent is pid, from every thread's
// /proc/PID/task/TID/children.
func children(pid int) ([]int, error) {
	tasks, err := os.ReadDir(fmt.Sprintf("/proc/%d/task", pid))
	if err != nil {
		return nil, err
	}
	var out []int
	for _, t := range tasks {
		data, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%s/children", pid, t.Name()))
		if err != nil {
			continue // the thread ended
		}
		for _, f := range strings.Fields(string(data)) {
			if n, err := strconv.Atoi(f); err == nil {
				out = append(out, n)
			}
		}
	}
	return out, nil
}

// analyzeSpec is the analyze command over the workload with database db,
// writing per-file lines to filesOut ("": none wanted): `hive analyze
// --no-cache …` or the subject's analyze.command.
func (b *base) analyzeSpec(db, filesOut string) (proc.Spec, error) {
	workload, err := b.cfg.workload(b.ctx)
	if err != nil {
		return proc.Spec{}, err
	}
	if b.sub != nil {
		if filesOut == "" {
			filesOut = b.path("files-unused.ndjson")
		}
		return b.subjectSpec("analyze.command", b.sub.Analyze.Command,
			map[string]string{subject.Workload: workload, subject.DB: db, subject.FilesOut: filesOut})
	}
	args := []string{"analyze", "--no-cache", "--db", db}
	if filesOut != "" {
		args = append(args, "--format", "json", "--files-out", filesOut)
	}
	if b.cfg.Jobs > 0 {
		args = append(args, "--jobs", strconv.Itoa(b.cfg.Jobs))
	}
	return b.spec(append(args, workload)...), nil
}

// asker is the consensus client of a server at base: hive's API, or the
// one the subject's file names.
func (b *base) asker(client *http.Client, base string) asker {
	a := asker{client: client, base: base, profile: b.cfg.Profile, api: subject.APIHive, path: "/v1/consensus"}
	if b.sub != nil && b.sub.Consensus != nil {
		c := b.sub.Consensus
		a.api, a.path, a.model, a.conversation = c.API, c.Path, c.Model, c.Conversation
	}
	return a
}

// subjectRound runs the subject's analyze command once over the workload
// with an empty database and reads what it says it did: the file count
// (and bytes) from stdout, and with per_file its per-file latencies, which
// must agree with the count.
func (s *parsingSession) subjectRound(ctx context.Context) (map[string][]float64, error) {
	db, err := s.freshDB("parsing.db")
	if err != nil {
		return nil, err
	}
	files := s.path("files.ndjson")
	if err := os.Remove(files); err != nil && !os.IsNotExist(err) {
		return nil, exitcode.InfraError("probe: %v", err)
	}
	spec, err := s.analyzeSpec(db, files)
	if err != nil {
		return nil, err
	}
	stdout := &capped{max: 4 << 20}
	spec.Stdout = stdout
	p, err := s.runToExit(ctx, spec)
	if err != nil {
		return nil, err
	}
	wall := p.ExitedAt().Sub(p.Started).Seconds()
	bad := func(format string, args ...any) error {
		return failure(ctx, p, fmt.Errorf("%s: `%s`: %s", s.label(), s.command(spec), fmt.Sprintf(format, args...)))
	}
	a := s.sub.Analyze
	if stdout.over {
		return nil, bad("printed over %d bytes on stdout", stdout.max)
	}
	n, err := a.Files.Read(stdout.buf)
	if err != nil {
		return nil, bad("analyze.files: %v", err)
	}
	if n == 0 {
		return nil, bad("analysed no files (analyze.files read 0); point the workload at a source tree the subject analyses")
	}
	out := map[string][]float64{
		"parsing.files_per_sec": {n / wall},
		"parsing.wall":          {wall},
	}
	bytes := -1.0
	if !a.Bytes.IsZero() {
		if bytes, err = a.Bytes.Read(stdout.buf); err != nil {
			return nil, bad("analyze.bytes: %v", err)
		}
	}
	if a.PerFile {
		perFile, fb, err := ReadFileLatencies(files, false)
		if err != nil {
			return nil, bad("per-file output %s: %v", files, err)
		}
		if float64(len(perFile)) != n {
			return nil, bad("the per-file output has %d analysed files but stdout says %v", len(perFile), n)
		}
		if bytes >= 0 && float64(fb) != bytes {
			return nil, bad("the per-file output has %d bytes but stdout says %v", fb, bytes)
		}
		bytes = float64(fb)
		out["parsing.per_file"] = perFile
		if err := os.Remove(files); err != nil {
			return nil, failure(ctx, nil, err)
		}
	}
	if bytes >= 0 {
		out["parsing.mb_per_sec"] = []float64{bytes / 1e6 / wall}
	}
	if err := checkRound(Parsing, s.metrics, out); err != nil {
		return nil, err
	}
	return out, nil
}
