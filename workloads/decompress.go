package workloads

import (
	"compress/bzip2"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"os/exec"
	"strings"

	"github.com/hiveperf/hive/internal/exitcode"
)

// trailingSlack is how much data may follow the end of a tar archive in its
// compressed stream (tar pads to its record size; some writers add more).
const trailingSlack = 1 << 20

// tarStream is the tar data inside a (compressed) tarball.
type tarStream struct {
	io.Reader
	// finish checks the rest of the stream once the tar archive has ended;
	// abort stops it after a failure.
	finish func() error
	abort  func()
}

// openTarStream decompresses r as name's suffix says: gzip and bzip2 in
// process, xz with the xz tool (the standard library has no xz).
func openTarStream(ctx context.Context, tb toolbox, r io.Reader, name string) (*tarStream, error) {
	flag, _ := compressionOf(name)
	var rd io.Reader
	var cleanup func(complete bool) error
	switch flag {
	case "":
		rd = r
	case "-z":
		gz, err := gzip.NewReader(r)
		if err != nil {
			return nil, exitcode.InfraError("unpack %s: not gzip data: %v", name, err)
		}
		rd = gz
	case "-j":
		rd = bzip2.NewReader(r)
	case "-J":
		xz, err := tb.look("xz", "unpacking "+name)
		if err != nil {
			return nil, err
		}
		xctx, cancel := context.WithCancel(ctx)
		cmd := exec.CommandContext(xctx, xz, "--decompress", "--stdout")
		cmd.Env = tb.environ()
		cmd.Stdin = r
		var errb strings.Builder
		cmd.Stderr = &errb
		out, err := cmd.StdoutPipe()
		if err != nil {
			cancel()
			return nil, exitcode.InfraError("unpack %s: %v", name, err)
		}
		if err := cmd.Start(); err != nil {
			cancel()
			return nil, exitcode.InfraError("unpack %s: start xz: %v", name, err)
		}
		rd = out
		cleanup = func(complete bool) error {
			if !complete {
				cancel()
			}
			err := cmd.Wait()
			cancel()
			if complete && err != nil {
				if ctx.Err() != nil {
					return ctx.Err()
				}
				return exitcode.InfraError("unpack %s: %v", name, toolError(xz, []string{"--decompress", "--stdout"}, err, errb.String()))
			}
			return nil
		}
	}
	ts := &tarStream{Reader: rd}
	ts.abort = func() {
		if cleanup != nil {
			_ = cleanup(false)
		}
	}
	ts.finish = func() error {
		// What follows the tar archive is padding; more than a little is
		// not this archive, and must not be inflated without bound.
		n, err := io.Copy(io.Discard, io.LimitReader(rd, trailingSlack+1))
		switch {
		case n > trailingSlack:
			ts.abort()
			return exitcode.InfraError("unpack %s: more than %s of data after the end of the tar archive; refusing it (not a plain tarball)", name, FormatBytes(trailingSlack))
		case err != nil && !errors.Is(err, gzip.ErrHeader):
			// gzip.ErrHeader here is trailing garbage after the last gzip
			// member, which gzip itself only warns about.
			ts.abort()
			return exitcode.InfraError("unpack %s: after the end of the tar archive: %v", name, err)
		}
		if cleanup != nil {
			return cleanup(true)
		}
		return nil
	}
	return ts, nil
}
