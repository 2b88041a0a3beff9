package proc

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

// Status is the memory part of /proc/PID/status, in bytes.
type Status struct {
	// RSS is VmRSS: resident memory now.
	RSS int64
	// HWM is VmHWM: the peak of RSS since exec (or since the last
	// clear_refs reset). Unlike ru_maxrss it belongs to the process's own
	// address space, so it is not inflated by the parent's (see the
	// package doc).
	HWM int64
}

// ReadStatus reads VmRSS and VmHWM of a live process. A process that has
// exited (or a zombie, whose memory is gone) has no such lines: that is an
// error naming the pid.
func ReadStatus(pid int) (Status, error) {
	path := "/proc/" + strconv.Itoa(pid) + "/status"
	data, err := os.ReadFile(path)
	if err != nil {
		return Status{}, fmt.Errorf("reading %s: %w (has the process exited?)", path, err)
	}
	st, err := ParseStatus(bytes.NewReader(data))
	if err != nil {
		return Status{}, fmt.Errorf("%s: %w", path, err)
	}
	return st, nil
}

// ParseStatus parses the "VmRSS:" and "VmHWM:" lines of a /proc/PID/status
// file ("VmRSS:\t   12345 kB"). Both must be present, in kB, and
// non-negative.
func ParseStatus(r io.Reader) (Status, error) {
	var st Status
	var haveRSS, haveHWM bool
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		key, val, ok := strings.Cut(sc.Text(), ":")
		if !ok || (key != "VmRSS" && key != "VmHWM") {
			continue
		}
		n, err := parseKB(val)
		if err != nil {
			return Status{}, fmt.Errorf("field %s: %w", key, err)
		}
		if key == "VmRSS" {
			st.RSS, haveRSS = n, true
		} else {
			st.HWM, haveHWM = n, true
		}
	}
	if err := sc.Err(); err != nil {
		return Status{}, err
	}
	if !haveRSS || !haveHWM {
		return Status{}, fmt.Errorf("no VmRSS/VmHWM lines: the process has no memory (exited, zombie or kernel thread)")
	}
	return st, nil
}

// parseKB parses "   12345 kB" into bytes.
func parseKB(v string) (int64, error) {
	f := strings.Fields(v)
	if len(f) != 2 || f[1] != "kB" {
		return 0, fmt.Errorf("value %q: want a number followed by kB", strings.TrimSpace(v))
	}
	n, err := strconv.ParseInt(f[0], 10, 64)
	if err != nil || n < 0 || n > 1<<50 {
		return 0, fmt.Errorf("value %q: want a non-negative count of kB", f[0])
	}
	return n * 1024, nil
}
