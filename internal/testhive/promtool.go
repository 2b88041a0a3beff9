package testhive

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"time"
)

// ErrNoPromtool says why a promtool test cannot run; tests skip with it.
// `make test` runs ci/test-tools.sh first, which installs Debian's
// prometheus package (promtool's home) when root and says SKIP loudly when
// it cannot.
var ErrNoPromtool = errors.New("promtool not on PATH: run ci/test-tools.sh (as root it installs Debian's prometheus package)")

// Promtool returns the path of promtool, or ErrNoPromtool.
func Promtool() (string, error) {
	p, err := exec.LookPath("promtool")
	if err != nil {
		return "", ErrNoPromtool
	}
	return p, nil
}

// CheckMetrics runs `promtool check metrics` over text (the Prometheus
// text exposition format) and returns an error carrying promtool's
// findings when it is not clean: a lint problem exits non-zero too.
func CheckMetrics(promtool string, text []byte) error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, promtool, "check", "metrics")
	cmd.Stdin = bytes.NewReader(text)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("promtool check metrics: %w\n%s", err, out.String())
	}
	if out.Len() > 0 {
		// promtool 2.x prints lint findings and may still exit 0 for some.
		return fmt.Errorf("promtool check metrics printed findings:\n%s", out.String())
	}
	return nil
}
