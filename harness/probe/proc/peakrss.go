package proc

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"syscall"
	"time"
)

// TrampolineArg and TrampolineEnv mark a process started by StartPeakRSS as
// the trampoline: os.Args[1] must be TrampolineArg and TrampolineEnv must be
// "1". Both are required so that neither a stray environment variable nor a
// stray argument turns hivebench into something else.
const (
	TrampolineArg = "hive-probe-peakrss-trampoline"
	TrampolineEnv = "HIVE_PROBE_PEAKRSS_TRAMPOLINE"
)

func init() {
	if len(os.Args) > 2 && os.Args[1] == TrampolineArg && os.Getenv(TrampolineEnv) == "1" {
		os.Exit(trampoline(os.Args[2], os.Args[3:]))
	}
}

// peakReport is what the trampoline writes to fd 3 when its child is done.
type peakReport struct {
	MaxRSSKiB   int64  `json:"maxrss_kib"` // the child's ru_maxrss
	FloorKiB    int64  `json:"floor_kib"`  // the trampoline's own VmHWM once the child ran
	CPUNS       int64  `json:"cpu_ns"`     // the child's ru_utime + ru_stime
	ExitCode    int    `json:"exit_code"`  // -1 if killed by a signal
	Exit        string `json:"exit"`       // os.ProcessState.String(): "exit status 2", "signal: killed"
	StartFailed string `json:"start_failed,omitempty"`
}

// trampoline runs path with args, forwarding SIGTERM and SIGINT, and
// reports the child's rusage on fd 3. It returns the exit code to mirror
// the child's.
func trampoline(path string, args []string) int {
	report := os.NewFile(3, "peakrss-report")
	write := func(r peakReport) {
		if report != nil {
			_ = json.NewEncoder(report).Encode(r)
			_ = report.Close()
		}
	}
	env := make([]string, 0, len(os.Environ()))
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, TrampolineEnv+"=") {
			env = append(env, kv)
		}
	}
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGINT)

	cmd := exec.Command(path, args...)
	cmd.Env = env
	// The child gets the trampoline's own fds, not pipes: no copying
	// goroutine, the child's output reaches the harness directly.
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		fmt.Fprintf(os.Stderr, "peak-RSS trampoline: %v\n", err)
		write(peakReport{ExitCode: 127, StartFailed: err.Error()})
		return 127
	}
	// Read after the child's exec: the trampoline's high-water mark can only
	// have grown since, so this is an upper bound of the floor it gave the
	// child.
	var floor int64
	if st, err := ReadStatus(os.Getpid()); err == nil {
		floor = st.HWM / 1024
	}
	waited := make(chan struct{})
	go func() {
		for {
			select {
			case s := <-sigs:
				_ = cmd.Process.Signal(s)
			case <-waited:
				return
			}
		}
	}()
	_ = cmd.Wait()
	close(waited)
	st := cmd.ProcessState
	r := peakReport{FloorKiB: floor, ExitCode: st.ExitCode(), Exit: st.String()}
	if ru, ok := st.SysUsage().(*syscall.Rusage); ok {
		r.MaxRSSKiB = ru.Maxrss
		r.CPUNS = ru.Utime.Nano() + ru.Stime.Nano()
	}
	write(r)
	if ws, ok := st.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return 128 + int(ws.Signal())
	}
	return st.ExitCode()
}

// PeakProcess is a command started by StartPeakRSS. Its embedded Process is
// the trampoline: Terminate, Done, Tail and Wait behave as for the command
// itself (signals are forwarded, stderr is the command's).
type PeakProcess struct {
	*Process
	reportDone chan struct{}
	report     []byte
	reportErr  error
}

// PeakRSS is the outcome of a command run by StartPeakRSS.
type PeakRSS struct {
	// Bytes is the command's peak resident set size (ru_maxrss).
	Bytes int64
	// FloorBytes is the trampoline's own peak RSS: Bytes cannot be lower
	// than this whatever the command did. Peak refuses a Bytes at or under
	// it.
	FloorBytes int64
	// CPU is the user and system time the command used (and the children
	// it waited for), from the same rusage.
	CPU time.Duration
	// ExitCode is the command's exit code, -1 if a signal ended it.
	ExitCode int
	// Exit describes how it ended ("exit status 0", "signal: killed").
	Exit string
}

// StartPeakRSS starts spec through a trampoline (see the package doc) so
// that its peak RSS can be read when it is done. spec.ExtraFiles must be
// empty (fd 3 is the trampoline's report pipe). The harness binary must
// still exist on disk: the trampoline is a re-execution of it.
func StartPeakRSS(ctx context.Context, spec Spec) (*PeakProcess, error) {
	if len(spec.ExtraFiles) > 0 {
		return nil, errors.New("proc: StartPeakRSS does not pass ExtraFiles (fd 3 is the report pipe)")
	}
	self, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("peak RSS: locating the harness binary to re-execute as trampoline: %w", err)
	}
	r, w, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("peak RSS: report pipe: %w", err)
	}
	env := spec.Env
	if env == nil {
		env = os.Environ()
	}
	tspec := spec
	tspec.Path = self
	tspec.Args = append([]string{TrampolineArg, spec.Path}, spec.Args...)
	tspec.Env = append(append([]string(nil), env...), TrampolineEnv+"=1")
	tspec.ExtraFiles = []*os.File{w}
	// Errors name the measured command, not the trampoline.
	p, err := start(ctx, tspec, spec.Path)
	// The child holds its own copy of w: EOF on r means it is gone.
	_ = w.Close()
	if err != nil {
		_ = r.Close()
		return nil, err
	}
	pp := &PeakProcess{Process: p, reportDone: make(chan struct{})}
	go func() {
		defer close(pp.reportDone)
		defer r.Close()
		pp.report, pp.reportErr = io.ReadAll(io.LimitReader(r, 64<<10))
	}()
	return pp, nil
}

// Peak waits for the command to finish (or ctx to end) and returns its peak
// RSS. It fails when the trampoline sent no report (it was killed), when the
// command could not start, or when the figure is not above the floor. A
// command that exits non-zero still has a PeakRSS; the caller decides what
// a failed run means.
func (p *PeakProcess) Peak(ctx context.Context) (PeakRSS, error) {
	if err := p.Wait(ctx); err != nil && ctx.Err() != nil {
		return PeakRSS{}, err
	}
	<-p.reportDone // the pipe hits EOF once the trampoline is gone
	if p.reportErr != nil {
		return PeakRSS{}, fmt.Errorf("peak RSS of %s: reading the trampoline's report: %w", p.path, p.reportErr)
	}
	var rep peakReport
	if err := json.Unmarshal(p.report, &rep); err != nil {
		return PeakRSS{}, fmt.Errorf("peak RSS of %s: the trampoline sent no report (%v; trampoline %v)", p.path, err, p.Err())
	}
	if rep.StartFailed != "" {
		return PeakRSS{}, fmt.Errorf("starting %s: %s", p.path, rep.StartFailed)
	}
	out := PeakRSS{Bytes: rep.MaxRSSKiB * 1024, FloorBytes: rep.FloorKiB * 1024, CPU: time.Duration(rep.CPUNS), ExitCode: rep.ExitCode, Exit: rep.Exit}
	if out.Bytes <= out.FloorBytes {
		return out, fmt.Errorf("peak RSS of %s is %d KiB, not above the measuring trampoline's own %d KiB: "+
			"the kernel reports the larger of the two, so the command's own peak is unknown (at most that)", p.path, rep.MaxRSSKiB, rep.FloorKiB)
	}
	return out, nil
}
