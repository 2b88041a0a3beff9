//go:build !linux

package cli

import "os"

// isTerminal falls back to "a character device" where the terminal ioctl
// is not wired up; /dev/null then counts as a terminal.
func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
