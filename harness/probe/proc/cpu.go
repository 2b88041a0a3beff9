package proc

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// ReadCPU returns the CPU time a live process has used so far, all its
// threads together, from the first field of each /proc/PID/task/TID/schedstat
// (nanoseconds on a CPU, as the scheduler counts them). /proc/PID/stat has
// the same total only in clock ticks (10 ms), too coarse for the few tens of
// milliseconds a burst of runs costs. Threads that exited earlier are not
// counted; a Go program keeps its threads.
func ReadCPU(pid int) (time.Duration, error) {
	dir := "/proc/" + strconv.Itoa(pid) + "/task"
	tasks, err := os.ReadDir(dir)
	if err != nil {
		return 0, fmt.Errorf("reading %s: %w (has the process exited?)", dir, err)
	}
	var total time.Duration
	for _, t := range tasks {
		path := filepath.Join(dir, t.Name(), "schedstat")
		data, err := os.ReadFile(path)
		if os.IsNotExist(err) {
			continue // the thread exited since the listing
		}
		if err != nil {
			return 0, fmt.Errorf("reading %s: %w", path, err)
		}
		ns, err := ParseSchedstat(data)
		if err != nil {
			return 0, fmt.Errorf("%s: %w", path, err)
		}
		total += ns
	}
	return total, nil
}

// ParseSchedstat reads the first field of a schedstat line ("RUN WAIT
// SLICES", nanoseconds run, nanoseconds waited, timeslices).
func ParseSchedstat(line []byte) (time.Duration, error) {
	f := bytes.Fields(line)
	if len(f) != 3 {
		return 0, fmt.Errorf("want 3 fields (run ns, wait ns, slices), got %q", bytes.TrimSpace(line))
	}
	ns, err := strconv.ParseInt(string(f[0]), 10, 64)
	if err != nil || ns < 0 {
		return 0, fmt.Errorf("run time %q is not a count of nanoseconds", f[0])
	}
	return time.Duration(ns), nil
}
