package replay

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// slowStopHive is a hive whose analyze, on SIGTERM, stops the real hive
// analyze, takes a second more (as a large database takes to close), and
// then records whether the directory of its --db was still there. A run
// that ends before the signal is held open (at most a minute) so that the
// interrupt finds it running.
const slowStopHive = `#!/bin/sh
case " $* " in *" --help "*) exec "$REAL_HIVE" "$@";; esac
if [ "$1" != analyze ]; then exec "$REAL_HIVE" "$@"; fi
db=; prev=
for a in "$@"; do [ "$prev" = --db ] && db=$a; prev=$a; done
"$REAL_HIVE" "$@" &
pid=$!
stop() {
	kill -TERM $pid 2>/dev/null
	wait $pid
	sleep 1
	if [ -d "$(dirname "$db")" ]; then echo present; else echo gone; fi > "$MARKS/workdir"
	exit 143
}
trap stop TERM INT
echo started > "$MARKS/started"
wait $pid
st=$?
i=0
while [ $i -lt 600 ]; do sleep 0.1; i=$((i+1)); done
exit $st
`

// An interrupted replay returns only after its hive analyze has stopped,
// and removes the work directory after that: the child still had its
// database directory when it finished stopping, and no process of the run
// is left when Measure returns.
func TestReplayInterruptWaitsForTheChild(t *testing.T) {
	tree := tinyTree(t)
	dir := t.TempDir()
	bin := filepath.Join(dir, "hive")
	require.NoError(t, os.WriteFile(bin, []byte(slowStopHive), 0o755))
	marks := filepath.Join(dir, "marks")
	require.NoError(t, os.Mkdir(marks, 0o755))
	work := filepath.Join(dir, "work")
	require.NoError(t, os.Mkdir(work, 0o755))

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	type outcome struct {
		rep *Report
		err error
	}
	done := make(chan outcome, 1)
	go func() {
		rep, err := Measure(ctx, tree, Options{HiveBin: bin, WorkDir: work,
			Env: append(os.Environ(), "REAL_HIVE="+needHive(t), "MARKS="+marks)})
		done <- outcome{rep, err}
	}()
	started := filepath.Join(marks, "started")
	for i := 0; ; i++ {
		if _, err := os.Stat(started); err == nil {
			break
		}
		select {
		case o := <-done:
			t.Fatalf("the replay ended before its analyze started: %v", o.err)
		case <-time.After(50 * time.Millisecond):
		}
		require.Less(t, i, 2400, "hive analyze did not start within 2 minutes")
	}
	cancel()
	var o outcome
	select {
	case o = <-done:
	case <-time.After(2 * time.Minute):
		t.Fatal("the replay did not return within 2 minutes of the interrupt")
	}
	require.ErrorIs(t, o.err, context.Canceled)
	assert.False(t, o.rep.Complete)

	// The child wrote this last, once it had stopped: if the replay had
	// returned first, it would not be there yet.
	got, err := os.ReadFile(filepath.Join(marks, "workdir"))
	require.NoError(t, err, "Measure returned before its child had stopped")
	assert.Equal(t, "present", strings.TrimSpace(string(got)), "the work directory was removed while the child was still stopping")
	ents, err := os.ReadDir(work)
	require.NoError(t, err)
	assert.Empty(t, ents, "the scratch directory is removed after the child is gone")
	assert.Empty(t, processesMentioning(t, work), "no process of the replay is left running")
}

// processesMentioning lists running processes whose command line holds s.
func processesMentioning(t *testing.T, s string) []string {
	t.Helper()
	ents, err := os.ReadDir("/proc")
	require.NoError(t, err)
	var out []string
	for _, e := range ents {
		cmdline, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err != nil || !strings.Contains(string(cmdline), s) {
			continue
		}
		out = append(out, fmt.Sprintf("%s: %s", e.Name(), strings.ReplaceAll(string(cmdline), "\x00", " ")))
	}
	return out
}
