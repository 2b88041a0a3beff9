package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
)

// A run's conversation row is inserted as "running" and updated when the
// run ends. A process that dies in between (kill -9, power loss) leaves it
// "running" for ever, so each row carries its owner, and Open marks the
// running rows of owners that no longer exist "abandoned". Other processes
// may have the same database open with runs going on: their rows are left
// alone, because their owners are alive.
//
// An owner is "BOOTID:PID:START": the kernel's boot id, the pid, and the
// process's start time in clock ticks since boot (field 22 of
// /proc/PID/stat). A pid alone would not do: pids are reused, and a new
// process with a dead owner's pid would keep its rows running. Where /proc
// is missing the owner is "pid:PID", and liveness is kill(pid, 0).

// StatusAbandoned marks a run whose process ended before the run did.
const StatusAbandoned = "abandoned"

// processOwner is the owner string of this process.
func processOwner() (string, error) {
	return ownerOf(os.Getpid())
}

func ownerOf(pid int) (string, error) {
	boot, err := os.ReadFile("/proc/sys/kernel/random/boot_id")
	if err != nil {
		return "pid:" + strconv.Itoa(pid), nil
	}
	start, err := procStart(pid)
	if err != nil {
		return "", fmt.Errorf("reading this process's start time: %w", err)
	}
	return strings.TrimSpace(string(boot)) + ":" + strconv.Itoa(pid) + ":" + start, nil
}

// procStart returns field 22 (starttime) of /proc/PID/stat. The command
// name (field 2) is in parentheses and may hold spaces and parentheses, so
// fields are counted from the last ')'.
func procStart(pid int) (string, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return "", err
	}
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return "", errors.New("unexpected /proc stat format")
	}
	f := strings.Fields(string(b[i+1:])) // f[0] is field 3 (state)
	if len(f) < 20 {
		return "", errors.New("unexpected /proc stat format")
	}
	return f[19], nil
}

// ownerAlive reports whether the process an owner string names still
// runs. An owner this binary cannot read is taken to be alive: leaving a
// row running is better than marking another tool's live run abandoned.
func ownerAlive(owner string) bool {
	if pid, ok := strings.CutPrefix(owner, "pid:"); ok {
		n, err := strconv.Atoi(pid)
		if err != nil || n <= 0 {
			return true
		}
		err = syscall.Kill(n, 0)
		return err == nil || errors.Is(err, syscall.EPERM)
	}
	parts := strings.Split(owner, ":")
	if len(parts) != 3 {
		return true
	}
	pid, err := strconv.Atoi(parts[1])
	if err != nil || pid <= 0 {
		return true
	}
	now, err := ownerOf(pid)
	if err != nil {
		return false // no such process (or it ended while we looked)
	}
	return now == owner
}

// markAbandoned marks the running rows whose owners have died.
func (s *Store) markAbandoned(ctx context.Context) error {
	// On the writer, which Open has connected already: a reader would be
	// one more SQLite connection (and schema read) before Open returns.
	rows, err := s.w.QueryContext(ctx, "SELECT DISTINCT owner FROM conversations WHERE status = 'running'")
	if err != nil {
		return fileError(s.path, err)
	}
	var dead []string
	for rows.Next() {
		var owner string
		if err := rows.Scan(&owner); err != nil {
			rows.Close()
			return fileError(s.path, err)
		}
		if owner != s.owner && !ownerAlive(owner) {
			dead = append(dead, owner)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fileError(s.path, err)
	}
	for _, owner := range dead {
		if _, err := s.w.ExecContext(ctx, "UPDATE conversations SET status = ? WHERE status = 'running' AND owner = ?", StatusAbandoned, owner); err != nil {
			return fmt.Errorf("store: %s: marking runs abandoned: %w", s.path, err)
		}
	}
	if len(dead) > 0 {
		s.wrote()
	}
	return nil
}
