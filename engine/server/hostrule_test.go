package server

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestHostRule: which Host and Origin values name a server, for each kind
// of listening address.
func TestHostRule(t *testing.T) {
	tests := []struct {
		name    string
		listen  []string
		allowed []string
		ok      []string // Host values accepted
		refused []string
	}{
		{"loopback IPv4", []string{"127.0.0.1:8765"}, nil,
			[]string{"127.0.0.1:8765", "localhost:8765", "LOCALHOST:8765", "[::1]:8765"},
			[]string{"", "127.0.0.1", "127.0.0.1:8766", "127.0.0.2:8765", "localhost.:8765", "a.localhost:8765",
				"attacker.example:8765", "[::1]", "::1:8765", "127.0.0.1:08765", "10.0.0.1:8765", "[::ffff:127.0.0.1]:8765"}},
		{"loopback on port 80: no port means 80", []string{"127.0.0.1:80"}, nil,
			[]string{"127.0.0.1", "localhost", "[::1]", "localhost:80", "localhost:"},
			[]string{"localhost:8080", "attacker.example"}},
		{"another loopback address", []string{"127.0.0.2:9000"}, nil,
			[]string{"127.0.0.2:9000", "localhost:9000"},
			[]string{"127.0.0.3:9000"}},
		{"IPv6 loopback", []string{"[::1]:8765"}, nil,
			[]string{"[::1]:8765", "127.0.0.1:8765", "localhost:8765"},
			[]string{"[::2]:8765"}},
		{"localhost by name", []string{"localhost:8765", "127.0.0.1:8765"}, nil,
			[]string{"localhost:8765", "127.0.0.1:8765"},
			[]string{"localhost:8764"}},
		{"every interface", []string{"0.0.0.0:8765"}, nil,
			[]string{"10.1.2.3:8765", "[2001:db8::1]:8765", "localhost:8765", "192.168.0.1:8765"},
			[]string{"10.1.2.3:8766", "hive.lan:8765", "attacker.example:8765", "[fe80::1%25eth0]:8765"}},
		{"every interface, empty host", []string{":8765"}, nil,
			[]string{"10.1.2.3:8765"}, []string{"name:8765"}},
		{"every interface, IPv6", []string{"[::]:8765"}, nil,
			[]string{"10.1.2.3:8765"}, []string{"name:8765"}},
		{"one public address", []string{"10.0.0.5:8765"}, nil,
			[]string{"10.0.0.5:8765"},
			[]string{"10.0.0.6:8765", "localhost:8765", "127.0.0.1:8765"}},
		{"a name", []string{"hive.lan:8765", "10.0.0.5:8765"}, nil,
			[]string{"hive.lan:8765", "HIVE.LAN:8765", "10.0.0.5:8765"},
			[]string{"hive.lan:80", "hive.lan"}},
		{"allowed names", []string{"127.0.0.1:8765"}, []string{"hive.example.invalid", "proxy.example.invalid:8443", "[2001:db8::2]"},
			[]string{"hive.example.invalid", "hive.example.invalid:1", "proxy.example.invalid:8443", "[2001:db8::2]:5"},
			[]string{"proxy.example.invalid", "proxy.example.invalid:8765", "x.hive.example.invalid"}},
		{"port not known yet", []string{"127.0.0.1:0"}, nil,
			nil, []string{"127.0.0.1:0", "127.0.0.1:8765", "localhost"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			allowed, err := parseAllowedHosts(tc.allowed)
			if !assert.NoError(t, err) {
				return
			}
			g := guardState{allowed: allowed}
			g.listening(tc.listen...)
			hr := g.rule.Load()
			for _, h := range tc.ok {
				assert.True(t, hr.allowsHost(h), "Host %q refused", h)
			}
			for _, h := range tc.refused {
				assert.False(t, hr.allowsHost(h), "Host %q accepted", h)
			}
		})
	}
}

func TestOriginRule(t *testing.T) {
	allowed, err := parseAllowedHosts([]string{"hive.example.invalid"})
	if !assert.NoError(t, err) {
		return
	}
	g := guardState{allowed: allowed}
	g.listening("127.0.0.1:8765")
	hr := g.rule.Load()
	for _, o := range []string{"http://127.0.0.1:8765", "http://localhost:8765", "http://[::1]:8765", "HTTP://LocalHost:8765",
		"https://hive.example.invalid", "http://hive.example.invalid:9"} {
		assert.True(t, hr.allowsOrigin(o), "Origin %q refused", o)
	}
	for _, o := range []string{"", "null", "http://127.0.0.1", "http://127.0.0.1:8766", "http://attacker.example",
		"http://127.0.0.1:8765/", "http://127.0.0.1:8765/x", "http://u@127.0.0.1:8765", "http://127.0.0.1:8765?q",
		"file://127.0.0.1:8765", "chrome-extension://abc", "127.0.0.1:8765", "//127.0.0.1:8765", "http://127.0.0.1:8765#f"} {
		assert.False(t, hr.allowsOrigin(o), "Origin %q accepted", o)
	}
}

func TestIsJSON(t *testing.T) {
	for ct, want := range map[string]bool{
		"application/json":                     true,
		"APPLICATION/JSON":                     true,
		"application/json; charset=utf-8":      true,
		"application/json;charset=UTF-8":       true,
		" application/json ":                   true,
		"application/json; charset":            false,
		"application/json, text/plain":         false,
		"":                                     false,
		"text/plain":                           false,
		"text/plain; charset=application/json": false,
		"application/jsonx":                    false,
		"application/json-patch+json":          false,
		"multipart/form-data; boundary=x":      false,
		"application/x-www-form-urlencoded":    false,
	} {
		assert.Equal(t, want, isJSON(ct), "%q", ct)
	}
}
