// Command tiny is the smallest real subject: a server with /healthz and a
// four-stage /v1/consensus against an OpenAI-compatible upstream (the
// harness's mock LLM), a directory analysis with per-file latencies, and a
// store-operation timer. The harness's tests build it and measure it with
// `hivebench run --subject tiny.yaml`; it does the work it reports, simply.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: tiny version|serve|analyze|dbbench")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "version":
		fmt.Println("tiny 1")
	case "serve":
		err = serve(os.Args[2:])
	case "analyze":
		err = analyze(os.Args[2:])
	case "dbbench":
		err = dbbench(os.Args[2:])
	default:
		err = fmt.Errorf("unknown command %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "tiny:", err)
		os.Exit(1)
	}
}

type answer struct {
	ConversationID int64   `json:"conversation_id"`
	Status         string  `json:"status"`
	Final          string  `json:"final"`
	Cached         bool    `json:"cached"`
	WallMS         float64 `json:"wall_ms"`
	UpstreamMS     float64 `json:"upstream_ms"`
	OverheadMS     float64 `json:"overhead_ms"`
}

func serve(args []string) error {
	fl := flag.NewFlagSet("serve", flag.ContinueOnError)
	port := fl.Int("port", 0, "")
	_ = fl.String("db", "", "")
	if err := fl.Parse(args); err != nil {
		return err
	}
	llm := os.Getenv("TINY_LLM")
	var mu sync.Mutex
	cache := map[string]answer{}
	runs := map[int64]answer{}
	var next int64
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "ok\n") })
	mux.HandleFunc("GET /v1/conversations/{id}", func(w http.ResponseWriter, r *http.Request) {
		id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
		mu.Lock()
		a, ok := runs[id]
		mu.Unlock()
		if !ok {
			http.Error(w, "not found", http.StatusNotFound)
			return
		}
		json.NewEncoder(w).Encode(a)
	})
	mux.HandleFunc("POST /v1/consensus", func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		var req struct {
			Question string `json:"question"`
			Profile  string `json:"profile"`
			NoCache  bool   `json:"no_cache"`
		}
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil || req.Question == "" {
			http.Error(w, `{"error":"bad request"}`, http.StatusBadRequest)
			return
		}
		mu.Lock()
		hit, ok := cache[req.Question]
		mu.Unlock()
		if ok && !req.NoCache {
			hit.Cached, hit.UpstreamMS = true, 0
			hit.WallMS = float64(time.Since(start)) / 1e6
			hit.OverheadMS = hit.WallMS
			json.NewEncoder(w).Encode(hit)
			return
		}
		var upstream time.Duration
		text := req.Question
		for _, stage := range []string{"generator", "refiner", "validator", "curator"} {
			out, d, err := chat(llm, stage, text)
			if err != nil {
				http.Error(w, fmt.Sprintf(`{"error":%q}`, err.Error()), http.StatusBadGateway)
				return
			}
			upstream += d
			text = out
		}
		mu.Lock()
		next++
		a := answer{ConversationID: next, Status: "ok", Final: text}
		runs[a.ConversationID] = a
		cache[req.Question] = a
		mu.Unlock()
		wall := time.Since(start)
		a.WallMS, a.UpstreamMS, a.OverheadMS = float64(wall)/1e6, float64(upstream)/1e6, float64(wall-upstream)/1e6
		json.NewEncoder(w).Encode(a)
	})
	srv := &http.Server{Addr: "127.0.0.1:" + strconv.Itoa(*port), Handler: mux}
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, os.Interrupt)
	go func() { <-stop; srv.Close() }()
	if err := srv.ListenAndServe(); err != http.ErrServerClosed {
		return err
	}
	return nil
}

// chat streams one stage from the upstream and returns its text and the
// time spent waiting on it.
func chat(base, stage, prompt string) (string, time.Duration, error) {
	body, _ := json.Marshal(map[string]any{"model": "tiny/" + stage, "stream": true,
		"messages": []map[string]string{{"role": "system", "content": "You are the " + stage + "."}, {"role": "user", "content": prompt}}})
	start := time.Now()
	resp, err := http.Post(base+"/chat/completions", "application/json", bytes.NewReader(body))
	if err != nil {
		return "", 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", 0, fmt.Errorf("upstream answered %s", resp.Status)
	}
	var b strings.Builder
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		data, ok := strings.CutPrefix(sc.Text(), "data: ")
		if !ok || data == "[DONE]" {
			continue
		}
		var chunk struct {
			Choices []struct {
				Delta struct {
					Content string `json:"content"`
				} `json:"delta"`
			} `json:"choices"`
		}
		if json.Unmarshal([]byte(data), &chunk) == nil && len(chunk.Choices) > 0 {
			b.WriteString(chunk.Choices[0].Delta.Content)
		}
	}
	return b.String(), time.Since(start), sc.Err()
}

func analyze(args []string) error {
	fl := flag.NewFlagSet("analyze", flag.ContinueOnError)
	filesOut := fl.String("files-out", "", "")
	if err := fl.Parse(args); err != nil || fl.NArg() != 1 {
		return fmt.Errorf("usage: tiny analyze --files-out F DIR")
	}
	out, err := os.Create(*filesOut)
	if err != nil {
		return err
	}
	defer out.Close()
	enc := json.NewEncoder(out)
	files, total := 0, int64(0)
	err = filepath.WalkDir(fl.Arg(0), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".go") {
			return err
		}
		start := time.Now()
		src, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		funcs := bytes.Count(src, []byte("\nfunc "))
		files++
		total += int64(len(src))
		return enc.Encode(map[string]any{"path": p, "bytes": len(src), "functions": funcs,
			"lines": bytes.Count(src, []byte("\n")), "latency_us": time.Since(start).Microseconds()})
	})
	if err != nil {
		return err
	}
	return json.NewEncoder(os.Stdout).Encode(map[string]any{"files": files, "bytes": total})
}

func dbbench(args []string) error {
	fl := flag.NewFlagSet("dbbench", flag.ContinueOnError)
	db := fl.String("db", "", "")
	n := fl.Int("ops", 0, "")
	if err := fl.Parse(args); err != nil || *n <= 0 {
		return fmt.Errorf("usage: tiny dbbench --db F --ops N")
	}
	f, err := os.OpenFile(*db, os.O_CREATE|os.O_RDWR|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	defer f.Close()
	put := make([]float64, *n)
	get := make([]float64, *n)
	for i := range put {
		start := time.Now()
		if _, err := fmt.Fprintf(f, "%d\tvalue %d\n", i, i); err != nil {
			return err
		}
		put[i] = float64(time.Since(start).Nanoseconds())
	}
	for i := range get {
		start := time.Now()
		if _, err := f.ReadAt(make([]byte, 16), 0); err != nil {
			return err
		}
		get[i] = float64(time.Since(start).Nanoseconds())
	}
	return json.NewEncoder(os.Stdout).Encode(map[string]any{"unit": "ns", "ops": map[string][]float64{"cache_put": put, "cache_get": get}})
}
