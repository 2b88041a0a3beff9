// Package exitcode is the one place where errors become process exit codes,
// for both binaries (hive and hivebench).
//
// The codes are part of the CLI contract and documented in README.md:
//
//	0  ok
//	1  regression or target missed (a measurement said no)
//	2  usage or bad input (a flag, a file, a field is wrong)
//	3  infrastructure failure (a process would not start, a workload is missing)
//
// Code that knows what kind of failure it has wraps the error with Usage,
// Regression or Infra; main calls Code once on whatever error comes back.
// An error that carries no code is treated as an infrastructure failure:
// something broke that was not the user's input and not a measurement.
package exitcode

import (
	"errors"
	"fmt"
)

// The exit codes shared by hive and hivebench.
const (
	OK         = 0
	Regression = 1
	Usage      = 2
	Infra      = 3
)

// Coder is implemented by errors that know their exit code.
type Coder interface {
	error
	ExitCode() int
}

type codedError struct {
	code int
	err  error
}

func (e *codedError) Error() string { return e.err.Error() }
func (e *codedError) Unwrap() error { return e.err }
func (e *codedError) ExitCode() int { return e.code }

// With wraps err so that Code reports code. A nil err stays nil.
func With(code int, err error) error {
	if err == nil {
		return nil
	}
	return &codedError{code: code, err: err}
}

// UsageError returns a usage/bad-input error (exit 2) with a formatted message.
func UsageError(format string, args ...any) error {
	return With(Usage, fmt.Errorf(format, args...))
}

// InfraError returns an infrastructure error (exit 3) with a formatted message.
func InfraError(format string, args ...any) error {
	return With(Infra, fmt.Errorf(format, args...))
}

// RegressionError returns a regression/target-missed error (exit 1).
func RegressionError(format string, args ...any) error {
	return With(Regression, fmt.Errorf(format, args...))
}

// Code maps an error to the process exit code. nil is OK; an error without a
// code is an infrastructure failure.
func Code(err error) int {
	if err == nil {
		return OK
	}
	var c Coder
	if errors.As(err, &c) {
		return c.ExitCode()
	}
	return Infra
}
