package load

import (
	"fmt"
	"net"
	"net/url"
	"strings"

	"github.com/hiveperf/hive/internal/exitcode"
)

// Target is the server under load.
type Target struct {
	// URL is the base URL of `hive serve`, http://127.0.0.1:PORT. Only
	// loopback targets are accepted (CheckTargetURL).
	URL string
	// Replicas are more `hive serve` replicas (loopback URLs, as URL);
	// requests are spread over URL and them, round robin.
	Replicas []string
	// PID is the server's process id when the harness started it; server
	// RSS is then read from /proc/PID/status. 0 reads it from /metrics.
	PID int
	// Token, when set, is sent as "Authorization: Bearer <token>" (a server
	// started with HIVE_API_TOKEN requires it).
	Token string
}

// CheckTargetURL accepts only an http URL whose host is a loopback IP or
// "localhost", with no path beyond "/", and returns it without a trailing
// slash. The load generator is a traffic cannon: pointed at another machine
// it is an attack, so anything else is a usage error (exit 2).
func CheckTargetURL(raw string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Scheme != "http" || u.Host == "" {
		return "", exitcode.UsageError("--target %q: want http://127.0.0.1:PORT (a loopback http URL)", raw)
	}
	if u.Path != "" && u.Path != "/" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return "", exitcode.UsageError("--target %q: want only scheme, host and port, such as http://127.0.0.1:8765; the paths are the load generator's", raw)
	}
	host := u.Hostname()
	if u.Port() == "" {
		return "", exitcode.UsageError("--target %q has no port; want http://127.0.0.1:PORT", raw)
	}
	if !strings.EqualFold(host, "localhost") {
		ip := net.ParseIP(host)
		if ip == nil || !ip.IsLoopback() {
			return "", exitcode.UsageError("--target %q: %s is not a loopback address; the load generator only targets 127.0.0.0/8, ::1 or localhost", raw, host)
		}
	}
	return fmt.Sprintf("http://%s", u.Host), nil
}

// checkedURLs checks URL and every replica (CheckTargetURL) and returns
// them, URL first; the same server twice is a usage error, since it would
// silently double that server's share.
func (t Target) checkedURLs() ([]string, error) {
	var out []string
	seen := map[string]bool{}
	for _, raw := range append([]string{t.URL}, t.Replicas...) {
		u, err := CheckTargetURL(raw)
		if err != nil {
			return nil, err
		}
		if seen[u] {
			return nil, exitcode.UsageError("--target lists %s twice; give each replica once", u)
		}
		seen[u] = true
		out = append(out, u)
	}
	return out, nil
}

// ParseTargets splits --target's comma-separated list into a Target, each
// URL checked by CheckTargetURL.
func ParseTargets(list string) (Target, error) {
	var urls []string
	for _, u := range strings.Split(list, ",") {
		if u = strings.TrimSpace(u); u != "" {
			urls = append(urls, u)
		}
	}
	if len(urls) == 0 {
		return Target{}, exitcode.UsageError("--target %q: want one or more loopback URLs, comma-separated, such as http://127.0.0.1:8765,http://127.0.0.1:8766", list)
	}
	t := Target{URL: urls[0], Replicas: urls[1:]}
	checked, err := t.checkedURLs()
	if err != nil {
		return Target{}, err
	}
	t.URL, t.Replicas = checked[0], checked[1:]
	return t, nil
}
