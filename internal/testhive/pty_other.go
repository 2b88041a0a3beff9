//go:build !linux

package testhive

import (
	"errors"
	"os"
)

// PTY is a pseudo-terminal; see pty_linux.go.
type PTY struct{ Terminal *os.File }

// OpenPTY is only wired up on Linux.
func OpenPTY() (*PTY, error) { return nil, errors.New("pseudo-terminals are only opened on Linux") }

// Close does nothing.
func (p *PTY) Close() {}

// Output is empty.
func (p *PTY) Output() string { return "" }
