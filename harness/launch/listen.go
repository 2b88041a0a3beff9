package launch

import (
	"fmt"
	"net"
	"net/url"
	"strings"

	"github.com/hiveperf/hive/engine/server"
)

// parseListenLine returns the base URL of the line `hive serve` prints once
// it listens (server.ListenLinePrefix + URL); ok is false for any other
// line. It refuses anything but an http URL on a loopback IP with a port:
// the harness only ever talks to loopback.
func parseListenLine(line string) (base string, ok bool, err error) {
	rest, ok := strings.CutPrefix(line, server.ListenLinePrefix)
	if !ok {
		return "", false, nil
	}
	u, err := url.Parse(strings.TrimSpace(rest))
	if err != nil || u.Scheme != "http" || u.Host == "" {
		return "", true, fmt.Errorf("listen line %q: want %shttp://127.0.0.1:PORT", line, server.ListenLinePrefix)
	}
	ip := net.ParseIP(u.Hostname())
	if ip == nil || !ip.IsLoopback() {
		return "", true, fmt.Errorf("listen line %q: %s is not a loopback address; the harness only measures servers on 127.0.0.1", line, u.Hostname())
	}
	if u.Port() == "" {
		return "", true, fmt.Errorf("listen line %q: the address is not a loopback IP with a port; the harness only measures servers on 127.0.0.1", line)
	}
	return "http://" + u.Host, true, nil
}

// checkLoopbackURL refuses a subject's server URL that is not
// http://LOOPBACK-IP:PORT: the harness only ever talks to loopback.
func checkLoopbackURL(base string) error {
	u, err := url.Parse(base)
	if err != nil || u.Scheme != "http" || u.Port() == "" || u.Path != "" {
		return fmt.Errorf("server URL %q: want http://127.0.0.1:PORT", base)
	}
	if ip := net.ParseIP(u.Hostname()); ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("server URL %q is not on a loopback address; the harness only measures servers on 127.0.0.1", base)
	}
	return nil
}

// FreePort returns a TCP port on 127.0.0.1 that was free a moment ago,
// for a server (a subject's) that takes its port as an argument rather
// than printing the one it got. Another process may take it in between;
// the server then fails to start, which the caller reports, never a
// number from some other server.
func FreePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
