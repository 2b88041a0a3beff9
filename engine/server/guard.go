package server

import (
	"fmt"
	"mime"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/hiveperf/hive/internal/exitcode"
)

// A browser lets any page it shows send requests to 127.0.0.1: a no-cors
// POST with a "simple" Content-Type (text/plain) needs no preflight, and
// after DNS rebinding a page on attacker.example reads this server as its
// own origin. The guard refuses both before any handler runs: the Host
// must name this server, an Origin (browsers send one on every
// cross-origin request) must name it too, and run bodies must be declared
// application/json, which no page can send cross-origin without a
// preflight this server never grants.

// Reasons of hive_http_refusals_total.
const (
	refusedHost        = "host"
	refusedOrigin      = "origin"
	refusedContentType = "content_type"
	refusedInflight    = "inflight"
	refusedSpendCap    = "spend_cap"
)

var refusalReasons = []string{refusedHost, refusedOrigin, refusedContentType, refusedInflight, refusedSpendCap}

// hostName is one accepted name: a lower-case host (IPv6 without brackets)
// and a port, "" for any port.
type hostName struct{ host, port string }

// hostRule decides which Host header values (and Origin authorities) name
// this server.
type hostRule struct {
	names []hostName
	// anyIPPort: when listening on every interface, any IP literal at this
	// port names the server. An IP literal cannot be rebound; which
	// addresses the machine has is not this rule's business.
	anyIPPorts []string
}

// CheckAllowedHosts checks --allowed-host entries: each is a host name or
// IP, optionally with a port ("hive.example.invalid", "10.0.0.5:8765",
// "[::1]:80"). It is exported so that `hive serve` can refuse bad input
// before opening the store.
func CheckAllowedHosts(entries []string) error {
	_, err := parseAllowedHosts(entries)
	return err
}

func parseAllowedHosts(entries []string) ([]hostName, error) {
	out := make([]hostName, 0, len(entries))
	for _, e := range entries {
		h, ok := parseAllowedHost(e)
		if !ok {
			return nil, exitcode.UsageError("serve: --allowed-host %q is not a host name or IP with an optional port; want e.g. hive.example.invalid, hive.example.invalid:8443 or [::1]:8765 (no scheme, no path)", e)
		}
		out = append(out, h)
	}
	return out, nil
}

func parseAllowedHost(e string) (hostName, bool) {
	host, port, hasPort, ok := splitHostHeader(e)
	if !ok || !validHost(host) || (hasPort && !validPort(port)) {
		return hostName{}, false
	}
	if !hasPort {
		port = ""
	}
	return hostName{host, port}, true
}

// splitHostHeader splits a Host header value (or an --allowed-host entry)
// into a lower-case host, without IPv6 brackets, and its port.
func splitHostHeader(v string) (host, port string, hasPort, ok bool) {
	if v == "" {
		return "", "", false, false
	}
	if h, p, err := net.SplitHostPort(v); err == nil {
		return strings.ToLower(h), p, true, h != ""
	}
	if strings.HasPrefix(v, "[") && strings.HasSuffix(v, "]") {
		h := v[1 : len(v)-1]
		return strings.ToLower(h), "", false, net.ParseIP(h) != nil && strings.Contains(h, ":")
	}
	if strings.ContainsAny(v, ":[]") {
		return "", "", false, false
	}
	return strings.ToLower(v), "", false, true
}

// validHost accepts an IP literal or a DNS name (letters, digits, '-',
// '.', '_'), which is all a Host header can usefully carry.
func validHost(h string) bool {
	if net.ParseIP(h) != nil {
		return true
	}
	if h == "" || len(h) > 253 {
		return false
	}
	for _, c := range h {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_') {
			return false
		}
	}
	return true
}

func validPort(p string) bool {
	n, err := strconv.Atoi(p)
	return err == nil && n > 0 && n <= 65535 && strconv.Itoa(n) == p
}

// add adds the names of a listening address: a loopback address answers to
// every loopback name at its port; an unspecified one (0.0.0.0, ::, "")
// to localhost and any IP literal at its port; any other to itself.
func (hr *hostRule) add(listen string) {
	host, port, err := net.SplitHostPort(listen)
	if err != nil || port == "0" || port == "" {
		return // not a TCP address, or its port is not known yet
	}
	host = strings.ToLower(strings.Trim(host, "[]"))
	ip := net.ParseIP(host)
	switch {
	case host == "" || ip != nil && ip.IsUnspecified():
		hr.anyIPPorts = append(hr.anyIPPorts, port)
		hr.names = append(hr.names, hostName{"localhost", port})
	case host == "localhost" || ip != nil && ip.IsLoopback():
		for _, h := range []string{host, "localhost", "127.0.0.1", "::1"} {
			hr.names = append(hr.names, hostName{h, port})
		}
	default:
		hr.names = append(hr.names, hostName{host, port})
	}
}

// allows reports whether host (lower-case, no brackets) at port names this
// server.
func (hr *hostRule) allows(host, port string) bool {
	for _, n := range hr.names {
		if n.host == host && (n.port == "" || n.port == port) {
			return true
		}
	}
	for _, p := range hr.anyIPPorts {
		if p == port && net.ParseIP(host) != nil {
			return true
		}
	}
	return false
}

// allowsHost checks a Host header; without a port it means port 80.
func (hr *hostRule) allowsHost(v string) bool {
	host, port, hasPort, ok := splitHostHeader(v)
	if !ok {
		return false
	}
	if !hasPort || port == "" {
		port = "80"
	}
	return hr.allows(host, port)
}

// allowsOrigin checks an Origin header: scheme://authority and nothing
// else, naming this server ("null" and every other form are refused).
func (hr *hostRule) allowsOrigin(v string) bool {
	u, err := url.Parse(v)
	if err != nil || u.Opaque != "" || u.User != nil || u.Path != "" || u.RawQuery != "" || u.Fragment != "" || u.Host == "" {
		return false
	}
	def := map[string]string{"http": "80", "https": "443"}[u.Scheme]
	if def == "" {
		return false
	}
	host, port, hasPort, ok := splitHostHeader(u.Host)
	if !ok {
		return false
	}
	if !hasPort || port == "" {
		port = def
	}
	return hr.allows(host, port)
}

// guardState is what the guard reads on every request; Serve replaces the
// rule once the listener's port is known.
type guardState struct {
	allowed []hostName // Config.AllowedHosts
	rule    atomic.Pointer[hostRule]
}

// listening sets the rule for the configured address, the address
// actually listened on (they differ with port 0, or with a name that
// resolved to an address) and the allowed hosts.
func (g *guardState) listening(addrs ...string) {
	hr := &hostRule{names: append([]hostName(nil), g.allowed...)}
	for _, a := range addrs {
		hr.add(a)
	}
	g.rule.Store(hr)
}

// guard refuses, on every route, a request whose Host does not name this
// server or whose Origin is present and does not name it (403). It runs
// before authentication: a foreign name learns nothing else.
func (s *Server) guard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hr := s.guardState.rule.Load()
		if !hr.allowsHost(r.Host) {
			s.refuse(w, refusedHost, apiError{status: http.StatusForbidden, typ: typePermission, code: "host_not_allowed",
				msg: fmt.Sprintf("Host %q does not name this server (its listening address, or an --allowed-host entry): a request under another name may come from a web page after DNS rebinding; add the name with --allowed-host if it is yours", r.Host)})
			return
		}
		if origin, ok := r.Header["Origin"]; ok && (len(origin) != 1 || !hr.allowsOrigin(origin[0])) {
			s.refuse(w, refusedOrigin, apiError{status: http.StatusForbidden, typ: typePermission, code: "origin_not_allowed",
				msg: fmt.Sprintf("Origin %q is not this server: web pages of other origins may not use this API (a browser sends Origin on their requests); call it from a program, or serve the page under a name given with --allowed-host", strings.Join(origin, ", "))})
			return
		}
		next.ServeHTTP(w, r)
	})
}

// requireJSON refuses a run request whose body is not declared
// application/json (parameters such as charset allowed, any case): the
// types a page may send cross-origin without a preflight (text/plain, form
// encodings) never reach decodeBody.
func (s *Server) requireJSON(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ct := r.Header.Get("Content-Type")
		if !isJSON(ct) {
			s.refuse(w, refusedContentType, apiError{status: http.StatusUnsupportedMediaType, typ: typeInvalidRequest, code: "unsupported_content_type",
				msg: fmt.Sprintf("Content-Type %q: the body must be sent as application/json", ct)})
			return
		}
		next.ServeHTTP(w, r)
	})
}

// isJSON reports whether a Content-Type is application/json. The bare
// type, what clients send, is matched without mime.ParseMediaType's map.
func isJSON(ct string) bool {
	if strings.EqualFold(ct, "application/json") {
		return true
	}
	mt, _, err := mime.ParseMediaType(ct)
	return err == nil && mt == "application/json"
}

// refuse counts a refusal and answers it (403 permission, 415, 429 rate
// limit).
func (s *Server) refuse(w http.ResponseWriter, reason string, e apiError) {
	s.refusals[reason].Inc()
	writeError(w, e)
}

// newRefusals registers hive_http_refusals_total with every reason at 0,
// so that a dashboard shows a flat line rather than no data.
func newRefusals(reg prometheus.Registerer) (map[string]prometheus.Counter, error) {
	vec := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "hive_http_refusals_total",
		Help: "Requests refused before a handler ran, by reason: host, origin (403), content_type (415), inflight, spend_cap (429).",
	}, []string{"reason"})
	if err := reg.Register(vec); err != nil {
		return nil, err
	}
	out := make(map[string]prometheus.Counter, len(refusalReasons))
	for _, r := range refusalReasons {
		out[r] = vec.WithLabelValues(r)
	}
	return out, nil
}
