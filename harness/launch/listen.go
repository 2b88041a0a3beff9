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
