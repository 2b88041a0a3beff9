package testhive

import (
	"fmt"
	"os"
	"sync"
	"syscall"
	"unsafe"
)

// PTY is a pseudo-terminal for tests of what a program writes to a
// terminal: Terminal is the side the program writes to (its stderr), and
// Output returns every byte written there, exactly, once Close was called.
type PTY struct {
	Terminal *os.File
	master   *os.File
	mu       sync.Mutex
	got      []byte
	done     chan struct{}
	once     sync.Once
}

// OpenPTY opens a pseudo-terminal with output processing off (a terminal
// would turn each \n into \r\n, and the tests are about the program's
// bytes). The error says why there is none, for a skip.
func OpenPTY() (*PTY, error) {
	master, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		return nil, err
	}
	fail := func(what string, err error) (*PTY, error) {
		master.Close()
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	unlock := 0
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, master.Fd(), syscall.TIOCSPTLCK, uintptr(unsafe.Pointer(&unlock))); e != 0 {
		return fail("unlockpt", e)
	}
	var n uint32
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, master.Fd(), syscall.TIOCGPTN, uintptr(unsafe.Pointer(&n))); e != 0 {
		return fail("ptsname", e)
	}
	term, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		return fail("open the terminal side", err)
	}
	var tio syscall.Termios
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, term.Fd(), syscall.TCGETS, uintptr(unsafe.Pointer(&tio))); e != 0 {
		term.Close()
		return fail("tcgetattr", e)
	}
	tio.Oflag &^= syscall.OPOST
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, term.Fd(), syscall.TCSETS, uintptr(unsafe.Pointer(&tio))); e != 0 {
		term.Close()
		return fail("tcsetattr", e)
	}
	p := &PTY{Terminal: term, master: master, done: make(chan struct{})}
	// Read as it is written, so that a writer never blocks on a full
	// terminal buffer.
	go func() {
		defer close(p.done)
		buf := make([]byte, 4096)
		for {
			k, err := master.Read(buf)
			p.mu.Lock()
			p.got = append(p.got, buf[:k]...)
			p.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	return p, nil
}

// Close closes both sides; what was written stays readable with Output.
func (p *PTY) Close() {
	p.once.Do(func() {
		p.Terminal.Close()
		<-p.done
		p.master.Close()
	})
}

// Output closes the terminal and returns everything written to it.
func (p *PTY) Output() string {
	p.Close()
	p.mu.Lock()
	defer p.mu.Unlock()
	return string(p.got)
}
