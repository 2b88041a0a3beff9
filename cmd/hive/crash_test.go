package main

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hiveperf/hive/engine/consensus"
	"github.com/hiveperf/hive/engine/store"
	"github.com/hiveperf/hive/harness/mockllm"
	"github.com/hiveperf/hive/internal/testhive"
)

// The crash tests kill the real binary with SIGKILL, which no handler
// sees, at moments drawn from a seeded source (printed on failure), and
// then hold the database to what was promised before the kill.

var (
	builtOnce sync.Once
	builtHive string
	buildErr  error
)

func hiveBinary(t *testing.T) string {
	t.Helper()
	builtOnce.Do(func() {
		dir, err := os.MkdirTemp("", "hive-crash-bin-")
		if err != nil {
			buildErr = err
			return
		}
		builtHive, buildErr = testhive.Build(dir)
	})
	require.NoError(t, buildErr)
	return builtHive
}

// dbCheck runs `hive db check` as its own process, as a user would after
// the crash, and requires its verdict.
func dbCheck(t *testing.T, bin, db string) {
	t.Helper()
	out, err := exec.Command(bin, "db", "check", "--db", db).CombinedOutput()
	require.NoError(t, err, "hive db check: %s", out)
	require.Equal(t, db+": integrity ok\n", string(out))
}

// acked is a run whose answer reached the client.
type acked struct {
	question string
	res      consensus.ResultJSON
}

// startServe starts hive serve on a free loopback port and returns its
// base URL once it listens.
func startServe(t *testing.T, bin, db, upstream string) (*exec.Cmd, string) {
	t.Helper()
	cmd := exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--db", db, "--profile", "balanced")
	cmd.Env = append(os.Environ(), "HIVE_LLM_BASE_URL="+upstream, "HOME="+t.TempDir(), "OPENROUTER_API_KEY=")
	stderr, err := cmd.StderrPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	lines := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if m := listeningLine.FindStringSubmatch(sc.Text() + "\n"); m != nil {
				lines <- m[1]
			}
		}
		close(lines)
	}()
	select {
	case base, ok := <-lines:
		require.True(t, ok, "hive serve exited before it listened")
		return cmd, base
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		t.Fatal("hive serve did not listen within 30 s")
	}
	return nil, ""
}

// TestServeKilledKeepsEveryAnsweredRun: clients send consensus runs to hive
// serve, which is killed with SIGKILL at a random moment, 20 times over the
// same database. After each kill `hive db check` says ok, and every run whose
// answer reached a client is in the database, finished, with its messages.
// Runs cut off by the kill are marked abandoned by the next Open.
func TestServeKilledKeepsEveryAnsweredRun(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test: builds and kills the real binary")
	}
	bin := hiveBinary(t)
	mock := mockllm.New(mockllm.Config{Seed: 7, Latency: mockllm.Latency{
		TTFT: 2 * time.Millisecond, TTFTJitter: 2 * time.Millisecond, ITL: 200 * time.Microsecond, Tokens: 30}})
	up := httptest.NewServer(mock)
	defer up.Close()
	db := filepath.Join(t.TempDir(), "hive.db")
	seed := uint64(time.Now().UnixNano())
	rng := rand.New(rand.NewPCG(seed, 14))
	t.Logf("seed %d", seed)

	const rounds, clients = 20, 4
	var all []acked
	for round := range rounds {
		cmd, base := startServe(t, bin, db, up.URL+"/v1")
		var mu sync.Mutex
		var got []acked
		stop := make(chan struct{})
		var wg sync.WaitGroup
		for c := range clients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				client := &http.Client{Timeout: 20 * time.Second}
				for i := 0; i < 200; i++ { // bounded: the kill ends it far sooner
					select {
					case <-stop:
						return
					default:
					}
					q := fmt.Sprintf("round %d client %d question %d", round, c, i)
					body, _ := json.Marshal(map[string]string{"question": q})
					resp, err := client.Post(base+"/v1/consensus", "application/json", strings.NewReader(string(body)))
					if err != nil {
						return // the server is gone
					}
					data, err := io.ReadAll(resp.Body)
					resp.Body.Close()
					if err != nil || resp.StatusCode != http.StatusOK {
						return
					}
					var res consensus.ResultJSON
					if json.Unmarshal(data, &res) != nil {
						return // a body cut by the kill was not an answer
					}
					mu.Lock()
					got = append(got, acked{q, res})
					mu.Unlock()
				}
			}()
		}
		time.Sleep(time.Duration(20+rng.IntN(400)) * time.Millisecond)
		require.NoError(t, cmd.Process.Kill())
		_ = cmd.Wait()
		close(stop)
		wg.Wait()
		dbCheck(t, bin, db)
		all = append(all, got...)
	}
	require.NotEmpty(t, all, "no run was answered before any kill: the test tested nothing")

	s, err := store.Open(db)
	require.NoError(t, err)
	defer s.Close()
	ctx := context.Background()
	for _, a := range all {
		require.NotZero(t, a.res.ConversationID, "%q was answered without a conversation id (record_error %q)", a.question, a.res.RecordError)
		c, msgs, err := s.Conversation(ctx, a.res.ConversationID)
		require.NoError(t, err, "%q (conversation %d) answered but not in the database", a.question, a.res.ConversationID)
		assert.Equal(t, a.question, c.Question)
		assert.Equal(t, "ok", c.Status, "%q", a.question)
		assert.Equal(t, a.res.Final, c.Final, "%q", a.question)
		assert.Len(t, msgs, len(a.res.Stages), "%q: one message per stage", a.question)
	}
	st, err := s.Stats(ctx)
	require.NoError(t, err)
	assert.Zero(t, st.Runs["running"], "rows of killed servers still running after Open")
	t.Logf("%d rounds, %d answered runs checked; runs by status: %v", rounds, len(all), st.Runs)
}

// TestAnalyzeKilledMidTree: hive analyze is killed with SIGKILL part way
// through a tree, five times; each time `hive db check` is ok, and a rerun
// finishes and stores every file with its symbols. The kill moments are
// drawn from the span of one uninterrupted run on this machine, so that
// they land mid-tree however fast it is.
func TestAnalyzeKilledMidTree(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test: builds and kills the real binary")
	}
	bin := hiveBinary(t)
	tree := t.TempDir()
	const files, funcs = 3000, 12
	for i := range files {
		dir := filepath.Join(tree, fmt.Sprintf("d%02d", i%40))
		require.NoError(t, os.MkdirAll(dir, 0o755))
		var b strings.Builder
		fmt.Fprintf(&b, "package d\n\n")
		for f := range funcs {
			fmt.Fprintf(&b, "// F%d_%d does a thing.\nfunc F%d_%d(x int) int {\n\tif x > %d {\n\t\treturn x - 1\n\t}\n\treturn x + %d\n}\n\n", i, f, i, f, f, i)
		}
		require.NoError(t, os.WriteFile(filepath.Join(dir, fmt.Sprintf("f%d.go", i)), []byte(b.String()), 0o644))
	}
	analyze := func(db string, extra ...string) *exec.Cmd {
		cmd := exec.Command(bin, append(append([]string{"analyze", "--db", db, "--progress=false"}, extra...), tree)...)
		cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
		return cmd
	}
	require.NoError(t, analyze(filepath.Join(t.TempDir(), "full.db")).Run())

	// Each kill lands once a random share (10–80%) of the tree has been
	// committed, read from the database as analyze writes it: a kill at a
	// fraction of an earlier run's time landed after the end whenever the
	// machine's load fell between the two runs.
	seed := uint64(time.Now().UnixNano())
	rng := rand.New(rand.NewPCG(seed, 15))
	t.Logf("seed %d", seed)
	killed := 0
	for round := range 5 {
		db := filepath.Join(t.TempDir(), "hive.db")
		cmd := analyze(db, "--no-cache")
		require.NoError(t, cmd.Start())
		exited := make(chan error, 1)
		go func() { exited <- cmd.Wait() }()
		target := int64(float64(files) * (0.1 + 0.7*rng.Float64()))
		if waitForFiles(t, db, target, exited) {
			require.NoError(t, cmd.Process.Kill())
			if <-exited != nil { // killed, not finished
				killed++
			}
		}
		dbCheck(t, bin, db)
		rerun := analyze(db)
		var out strings.Builder
		rerun.Stdout, rerun.Stderr = &out, &out
		err := rerun.Run()
		require.NoError(t, err, "round %d: the rerun after the kill failed: %s", round, out.String())
		dbCheck(t, bin, db)
		s, err := store.Open(db)
		require.NoError(t, err)
		st, err := s.Stats(context.Background())
		require.NoError(t, err)
		require.NoError(t, s.Close())
		assert.Equal(t, int64(files), st.Rows["files"], "round %d", round)
		assert.Equal(t, int64(files*funcs), st.Rows["symbols"], "round %d", round)
	}
	t.Logf("%d of 5 kills landed mid-tree", killed)
	assert.GreaterOrEqual(t, killed, 3, "most kills must land before the run ends, or the test tests nothing")
}

// waitForFiles polls db, read-only, until it holds at least n analysed
// files (true: kill now) or the analyze process exits first (false). It
// gives up after two minutes.
func waitForFiles(t *testing.T, db string, n int64, exited <-chan error) bool {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for time.Now().Before(deadline) {
		select {
		case err := <-exited:
			t.Logf("analyze ended (%v) before %d files were committed", err, n)
			return false
		default:
		}
		if got, ok := committedFiles(db); ok && got >= n {
			return true
		}
		time.Sleep(2 * time.Millisecond)
	}
	t.Fatalf("analyze committed fewer than %d files in two minutes", n)
	return false
}

// committedFiles counts the rows of files in db as another process sees
// them; ok is false while the database or its schema does not exist yet.
func committedFiles(db string) (int64, bool) {
	if _, err := os.Stat(db); err != nil {
		return 0, false
	}
	conn, err := sql.Open("sqlite3", "file:"+db+"?mode=ro&_busy_timeout=1000")
	if err != nil {
		return 0, false
	}
	defer conn.Close()
	var n int64
	if err := conn.QueryRow("SELECT count(*) FROM files").Scan(&n); err != nil {
		return 0, false
	}
	return n, true
}
