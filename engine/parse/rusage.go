package parse

import (
	"bytes"
	"os"
	"strconv"
	"syscall"
)

// PeakRSS returns the process's peak resident set size in bytes, or 0 if
// unknown. It reads VmHWM from /proc/self/status rather than getrusage's
// ru_maxrss: Linux carries ru_maxrss across execve, so a hive started by a
// 300 MB parent would report that parent's high-water mark as its own.
func PeakRSS() int64 {
	if b, err := os.ReadFile("/proc/self/status"); err == nil {
		if v := statusKB(b, "VmHWM:"); v > 0 {
			return v * 1024
		}
	}
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return int64(ru.Maxrss) * 1024
}

// statusKB returns the kB value of one /proc/PID/status field, or 0.
func statusKB(status []byte, field string) int64 {
	i := bytes.Index(status, []byte(field))
	if i < 0 {
		return 0
	}
	line := status[i+len(field):]
	if j := bytes.IndexByte(line, '\n'); j >= 0 {
		line = line[:j]
	}
	fields := bytes.Fields(line)
	if len(fields) == 0 {
		return 0
	}
	v, err := strconv.ParseInt(string(fields[0]), 10, 64)
	if err != nil {
		return 0
	}
	return v
}
