package cli

import "strings"

// LastLines is the end of a child process's output for an error message,
// where the reason usually is: its last n lines joined by " | ", or "no
// output".
func LastLines(s string, n int) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return "no output"
	}
	lines := strings.Split(s, "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, " | ")
}
