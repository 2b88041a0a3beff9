// Command httpfloor measures the round-trip floor of one kept-alive
// loopback connection on this machine, for servers of increasing weight,
// so that hive's cache-hit latency (consensus.cache_hit) can be read
// against what the machine and the HTTP server library allow.
//
// It is a separate module so that fasthttp, which hive does not use, stays
// out of hive's dependencies. Run it from this directory:
//
//	go run . -n 20000             # every server, one after another
//	go run . -n 20000 -only http  # one of them
//	gcc -O2 -o /tmp/pingpong pingpong/pingpong.c && /tmp/pingpong 20000   # the same in C
//
// Each server runs in a child process of its own (like hive serve), the
// client in this one. The client is a raw TCP client that writes a
// pre-built request and reads up to the end marker of the answer, as the
// harness's cache-hit probe does. Servers:
//
//	echo     raw TCP echo: the machine's and Go's netpoller floor
//	http     net/http, a handler that answers "END"
//	fast0    valyala/fasthttp, the same
//	httpwork net/http, a handler shaped like a cache hit: decode a JSON
//	         body, SHA-256 a key, look it up in a map, write ~1.5 KB
//	fastwork fasthttp, the same handler
package main

import (
	"bufio"
	"crypto/sha256"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/valyala/fasthttp"
)

const addr = "127.0.0.1:18997"

var servers = []string{"echo", "http", "fast0", "httpwork", "fastwork"}

func main() {
	n := flag.Int("n", 20000, "round trips per server")
	only := flag.String("only", "", "measure only this server: "+strings.Join(servers, ", "))
	serve := flag.String("serve", "", "internal: run this server in this process")
	flag.Parse()
	if *serve != "" {
		if err := runServer(*serve); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		return
	}
	list := servers
	if *only != "" {
		if !slices.Contains(servers, *only) {
			fmt.Fprintf(os.Stderr, "httpfloor: -only %q: want one of %s\n", *only, strings.Join(servers, ", "))
			os.Exit(2)
		}
		list = []string{*only}
	}
	for _, name := range list {
		if err := measure(name, *n); err != nil {
			fmt.Fprintf(os.Stderr, "httpfloor: %s: %v\n", name, err)
			os.Exit(1)
		}
	}
}

var (
	cache  = map[[32]byte][]byte{}
	answer = []byte(strings.Repeat("abcdefghij", 150) + "END\n")
)

type question struct {
	Question string `json:"question"`
	Profile  string `json:"profile"`
}

// hitWork is shaped like a cache hit: decode, hash, look up, copy out.
func hitWork(body []byte) []byte {
	var q question
	if err := json.Unmarshal(body, &q); err != nil {
		return []byte("bad END\n")
	}
	k := sha256.Sum256([]byte(q.Question + "|" + q.Profile))
	if v, ok := cache[k]; ok {
		return append([]byte(nil), v...)
	}
	cache[k] = answer
	return answer
}

func runServer(name string) error {
	switch name {
	case "echo":
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			return err
		}
		c, err := ln.Accept()
		if err != nil {
			return err
		}
		b := make([]byte, 4096)
		for {
			n, err := c.Read(b)
			if err != nil {
				return nil
			}
			if _, err := c.Write(b[:n]); err != nil {
				return nil
			}
		}
	case "http":
		return http.ListenAndServe(addr, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.Copy(io.Discard, r.Body)
			_, _ = w.Write([]byte("END\n"))
		}))
	case "httpwork":
		return http.ListenAndServe(addr, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			b, _ := io.ReadAll(r.Body)
			_, _ = w.Write(hitWork(b))
		}))
	case "fast0":
		return fasthttp.ListenAndServe(addr, func(ctx *fasthttp.RequestCtx) { ctx.SetBodyString("END\n") })
	case "fastwork":
		return fasthttp.ListenAndServe(addr, func(ctx *fasthttp.RequestCtx) { ctx.SetBody(hitWork(ctx.PostBody())) })
	}
	return fmt.Errorf("unknown server %q", name)
}

func measure(name string, n int) error {
	cmd := exec.Command(os.Args[0], "-serve", name)
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return err
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	var c net.Conn
	var err error
	for range 200 {
		if c, err = net.Dial("tcp", addr); err == nil {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err != nil {
		return fmt.Errorf("server did not listen on %s: %w", addr, err)
	}
	defer c.Close()

	body := `{"question":"what is a tree, really, in computer science?","profile":"balanced"}`
	req := []byte("POST /v1/consensus HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: " +
		strconv.Itoa(len(body)) + "\r\n\r\n" + body)
	br := bufio.NewReaderSize(c, 8192)
	buf := make([]byte, 8192)
	d := make([]float64, n)
	for i := range d {
		t := time.Now()
		if _, err := c.Write(req); err != nil {
			return err
		}
		if name == "echo" {
			for got := 0; got < len(req); {
				k, err := c.Read(buf)
				if err != nil {
					return err
				}
				got += k
			}
		} else {
			for {
				line, err := br.ReadString('\n')
				if err != nil {
					return err
				}
				if strings.HasSuffix(line, "END\n") {
					break
				}
			}
		}
		d[i] = float64(time.Since(t).Nanoseconds()) / 1e3
	}
	slices.Sort(d)
	fmt.Printf("%-9s n=%d p50=%.0f p90=%.0f p99=%.0f max=%.0f µs\n", name, n, d[n/2], d[n*9/10], d[n*99/100], d[n-1])
	return nil
}
