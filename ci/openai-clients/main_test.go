// Package openaiclients drives a real `hive serve` with the official OpenAI
// client libraries: the Go SDK (github.com/openai/openai-go) in this
// package's tests, and the npm package `openai` under Node (clients.test.mjs,
// run by TestNodeClient). Both go through hive's OpenAI surface as an
// application would: non-streamed and streamed answers, usage, and errors
// parsed into each library's own error types.
//
// It belongs to ci/'s own module (ci/go.mod) so that the SDK and its
// dependencies stay out of hive's go.mod: nothing in hive imports them,
// and hive's users audit hive's dependency list. ci/module-test.sh runs it
// (npm ci first); `make test` runs that script.
//
// TestMain builds hive and hivebench from the repository (or takes
// HIVE_BIN and HIVEBENCH_BIN), starts `hivebench mock-llm` and `hive serve`
// on loopback ports with a token and a profiles file of its own, and stops
// both at the end.
package openaiclients

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// listenLinePrefix is engine/server.ListenLinePrefix: the line hive serve
// prints on stderr once it listens (not imported, to keep hive's module
// out of this one).
const listenLinePrefix = "hive: listening on "

// token is the bearer token hive serve requires (HIVE_API_TOKEN); the
// clients send it as their API key.
const token = "hive-openai-clients-test"

// profiles are what the tests ask for: plain's four stages answer from
// the mock; broken's one stage gets a 400 from it.
const profiles = `default_profile: plain
profiles:
  plain:
    generator: {model: test/gen}
    refiner:   {model: test/ref}
    validator: {model: test/val}
    curator:   {model: test/cur}
  broken:
    direct: {model: "@fail-400/broken"}
`

// baseURL is hive serve's, http://127.0.0.1:PORT, set by TestMain.
var baseURL string

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	tmp, err := os.MkdirTemp("", "hive-openai-clients-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 3
	}
	defer os.RemoveAll(tmp)
	stop, err := startStack(tmp)
	if err != nil {
		fmt.Fprintf(os.Stderr, "openai-clients: %v\n", err)
		return 3
	}
	code := m.Run()
	if err := stop(); err != nil {
		fmt.Fprintf(os.Stderr, "openai-clients: %v\n", err)
		if code == 0 {
			code = 1
		}
	}
	return code
}

// startStack builds the binaries, starts the mock LLM and hive serve, and
// returns what stops them (and says how they ended).
func startStack(tmp string) (stop func() error, err error) {
	hive, hivebench, err := binaries(tmp)
	if err != nil {
		return nil, err
	}
	var procs []*proc
	stop = func() error {
		var errs []string
		for i := len(procs) - 1; i >= 0; i-- {
			if err := procs[i].stop(); err != nil {
				errs = append(errs, err.Error())
			}
		}
		if len(errs) > 0 {
			return fmt.Errorf("%s", strings.Join(errs, "; "))
		}
		return nil
	}
	fail := func(err error) (func() error, error) {
		stop()
		return nil, err
	}

	mock, err := startProc("mock-llm", exec.Command(hivebench, "mock-llm", "--addr", "127.0.0.1:0",
		"--ttft", "2ms", "--itl", "1ms", "--tokens", "12", "--seed", "19"))
	if err != nil {
		return fail(err)
	}
	procs = append(procs, mock)
	line, err := mock.waitLine(mock.stdout, "export HIVE_LLM_BASE_URL=")
	if err != nil {
		return fail(err)
	}
	llmURL := strings.TrimPrefix(line, "export HIVE_LLM_BASE_URL=")

	cfg := filepath.Join(tmp, "profiles.yaml")
	if err := os.WriteFile(cfg, []byte(profiles), 0o644); err != nil {
		return fail(err)
	}
	serve := exec.Command(hive, "serve", "--addr", "127.0.0.1:0", "--config", cfg,
		"--db", filepath.Join(tmp, "hive.db"), "--llm-base-url", llmURL)
	serve.Env = append(os.Environ(), "HIVE_API_TOKEN="+token, "HOME="+tmp)
	hs, err := startProc("hive serve", serve)
	if err != nil {
		return fail(err)
	}
	procs = append(procs, hs)
	line, err = hs.waitLine(hs.stderr, listenLinePrefix)
	if err != nil {
		return fail(err)
	}
	baseURL = strings.TrimPrefix(line, listenLinePrefix)
	if err := waitHealthy(baseURL); err != nil {
		return fail(fmt.Errorf("%w; hive serve said:\n%s", err, hs.log()))
	}
	return stop, nil
}

// binaries returns hive and hivebench: $HIVE_BIN and $HIVEBENCH_BIN, or
// built from this repository into dir.
func binaries(dir string) (hive, hivebench string, err error) {
	hive, hivebench = os.Getenv("HIVE_BIN"), os.Getenv("HIVEBENCH_BIN")
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		return "", "", err
	}
	for _, b := range []struct {
		path *string
		pkg  string
	}{{&hive, "./cmd/hive"}, {&hivebench, "./cmd/hivebench"}} {
		if *b.path != "" {
			continue
		}
		*b.path = filepath.Join(dir, filepath.Base(b.pkg))
		cmd := exec.Command("go", "build", "-tags", "sqlite_fts5", "-o", *b.path, b.pkg)
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			return "", "", fmt.Errorf("building %s in %s: %v\n%s", b.pkg, root, err, out)
		}
	}
	return hive, hivebench, nil
}

func waitHealthy(base string) error {
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get(base + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	return fmt.Errorf("%s/healthz did not answer 200 within 30 s", base)
}

// proc is a child process whose output lines are read as they come.
type proc struct {
	name           string
	cmd            *exec.Cmd
	stdout, stderr chan string // lines, closed at EOF

	mu   sync.Mutex
	logs strings.Builder // every line, for error messages
	done chan error      // the process's exit, once
}

func startProc(name string, cmd *exec.Cmd) (*proc, error) {
	p := &proc{name: name, cmd: cmd, stdout: make(chan string, 64), stderr: make(chan string, 64), done: make(chan error, 1)}
	outR, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	errR, err := cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting %s: %w", name, err)
	}
	var wg sync.WaitGroup
	for _, s := range []struct {
		r  io.Reader
		ch chan string
	}{{outR, p.stdout}, {errR, p.stderr}} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer close(s.ch)
			sc := bufio.NewScanner(s.r)
			for sc.Scan() {
				p.mu.Lock()
				p.logs.WriteString(sc.Text() + "\n")
				p.mu.Unlock()
				select {
				case s.ch <- sc.Text():
				default: // nobody is waiting for lines any more; the log keeps them
				}
			}
		}()
	}
	go func() {
		wg.Wait()
		p.done <- cmd.Wait()
	}()
	return p, nil
}

func (p *proc) log() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.logs.String()
}

// waitLine returns the first line of ch that starts with prefix, within a
// minute.
func (p *proc) waitLine(ch chan string, prefix string) (string, error) {
	timeout := time.After(time.Minute)
	for {
		select {
		case l, ok := <-ch:
			if !ok {
				return "", fmt.Errorf("%s ended its output without a line %q; it said:\n%s", p.name, prefix, p.log())
			}
			if strings.HasPrefix(l, prefix) {
				return strings.TrimSpace(l), nil
			}
		case <-timeout:
			return "", fmt.Errorf("%s printed no line %q within a minute; it said:\n%s", p.name, prefix, p.log())
		}
	}
}

// stop sends SIGTERM and waits for a clean exit (30 s, then SIGKILL).
func (p *proc) stop() error {
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	select {
	case err := <-p.done:
		if err != nil {
			return fmt.Errorf("%s exited with %v after SIGTERM; it said:\n%s", p.name, err, p.log())
		}
		return nil
	case <-ctx.Done():
		_ = p.cmd.Process.Kill()
		<-p.done
		return fmt.Errorf("%s did not stop within 30 s of SIGTERM; killed", p.name)
	}
}
