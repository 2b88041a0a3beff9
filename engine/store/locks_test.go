package store

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// shmDeadMan is the byte of the -shm file that every process using the
// database holds a shared POSIX lock on (SQLite's unix VFS, UNIX_SHM_DMS).
// A process that can take it exclusively believes nobody else uses the
// shared memory and rebuilds it.
const shmDeadMan = 128

// lockProbeEnv makes the test binary, run again as a child, report whether
// another process holds a lock on the -shm file named by its value.
const lockProbeEnv = "HIVE_STORE_LOCK_PROBE"

func TestMain(m *testing.M) {
	if path := os.Getenv(lockProbeEnv); path != "" {
		os.Exit(probeLock(path))
	}
	os.Exit(m.Run())
}

// probeLock prints "held" or "free": whether the dead-man byte is locked
// by another process. F_GETLK does not see the caller's own locks, hence
// a second process.
func probeLock(path string) int {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if os.IsNotExist(err) { // the last connection to close removes it
		fmt.Println("free")
		return 0
	}
	if err != nil {
		fmt.Println(err)
		return 1
	}
	defer f.Close() // this process holds no locks to lose
	lk := syscall.Flock_t{Type: syscall.F_WRLCK, Whence: 0, Start: shmDeadMan, Len: 1}
	if err := syscall.FcntlFlock(f.Fd(), syscall.F_GETLK, &lk); err != nil {
		fmt.Println(err)
		return 1
	}
	if lk.Type == syscall.F_UNLCK {
		fmt.Println("free")
	} else {
		fmt.Println("held")
	}
	return 0
}

func shmLock(t *testing.T, db string) string {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), lockProbeEnv+"="+db+"-shm")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
	return strings.TrimSpace(string(out))
}

// POSIX locks belong to the process and file, not to the descriptor: closing
// any descriptor of a file drops every lock the process holds on it, SQLite's
// included (sqlite.org/howtocorrupt.html §2.2). Nothing in the store may open
// and close the database's files behind SQLite while a Store of this process
// uses them: not a second Store's Open (which checks the file's header) nor
// its Close (which once closed a descriptor of the -shm file read by the
// background checkpointer). Another process must go on seeing this one's
// lock on the shared memory throughout.
func TestOtherStoresKeepSQLitesLocks(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "hive.db")
	a, err := Open(path)
	require.NoError(t, err)
	require.NoError(t, a.CachePut(ctx, "a", []byte("v"), 0))
	require.Equal(t, "held", shmLock(t, path), "precondition: an open Store holds the dead-man lock")

	for i := range 3 {
		b, err := Open(path)
		require.NoError(t, err)
		for j := range backgroundFrames / 2 { // enough frames to start B's background checkpoint
			require.NoError(t, b.CachePut(ctx, fmt.Sprintf("b%d-%d", i, j), make([]byte, 4096), 0))
		}
		require.NoError(t, b.Close())
		assert.Equal(t, "held", shmLock(t, path), "round %d: the first Store lost its lock when a second one closed", i)
	}
	v, ok, err := a.CacheGet(ctx, "b2-0")
	require.NoError(t, err)
	assert.True(t, ok)
	assert.Len(t, v, 4096)
	require.NoError(t, a.Close())
	assert.Equal(t, "free", shmLock(t, path), "no Store open: nobody holds it")
}
