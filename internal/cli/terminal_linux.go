package cli

import (
	"os"
	"syscall"
	"unsafe"
)

// isTerminal asks the kernel for the terminal attributes of f, which only
// a terminal has (what isatty(3) does).
func isTerminal(f *os.File) bool {
	var t syscall.Termios
	_, _, errno := syscall.Syscall(syscall.SYS_IOCTL, f.Fd(), syscall.TCGETS, uintptr(unsafe.Pointer(&t)))
	return errno == 0
}
