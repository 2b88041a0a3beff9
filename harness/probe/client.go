package probe

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/hiveperf/hive/harness/mockllm"
)

// maxAnswer bounds the body of one consensus answer the harness reads.
const maxAnswer = 16 << 20

// answer is the part of POST /v1/consensus's ResultJSON (engine/consensus)
// the probes use; an error answer has "error" beside a partial result.
type answer struct {
	ConversationID int64       `json:"conversation_id"`
	Status         string      `json:"status"`
	Cached         bool        `json:"cached"`
	WallMS         float64     `json:"wall_ms"`
	UpstreamMS     float64     `json:"upstream_ms"`
	OverheadMS     float64     `json:"overhead_ms"`
	Error          answerError `json:"error"`
}

// answerError reads both forms of "error" a hive serve may send: OpenAI's
// object {"message", ...} (since issue 19), or the bare string of older
// builds, which the A/B gate still measures as its base.
type answerError string

func (e *answerError) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*e = answerError(s)
		return nil
	}
	var obj struct {
		Message string `json:"message"`
	}
	if err := json.Unmarshal(b, &obj); err != nil {
		return err
	}
	*e = answerError(obj.Message)
	return nil
}

// asker sends consensus requests to one `hive serve`.
type asker struct {
	client  *http.Client
	base    string // http://127.0.0.1:PORT
	profile string
}

// ask posts one question and returns the answer and the client-side time
// from sending the request to having read the whole body (decoding it is
// the harness's cost, not the server's, so it is outside the span).
func (a asker) ask(ctx context.Context, question string, noCache bool) (answer, time.Duration, error) {
	body, err := json.Marshal(map[string]any{"question": question, "profile": a.profile, "no_cache": noCache})
	if err != nil {
		return answer{}, 0, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, a.base+"/v1/consensus", bytes.NewReader(body))
	if err != nil {
		return answer{}, 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	start := time.Now()
	resp, err := a.client.Do(req)
	if err != nil {
		return answer{}, 0, fmt.Errorf("POST %s/v1/consensus: %w", a.base, err)
	}
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer+1))
	elapsed := time.Since(start)
	resp.Body.Close()
	if err != nil {
		return answer{}, 0, fmt.Errorf("POST %s/v1/consensus: reading the answer: %w", a.base, err)
	}
	if len(raw) > maxAnswer {
		return answer{}, 0, fmt.Errorf("POST %s/v1/consensus: answer over %d bytes", a.base, maxAnswer)
	}
	ans, err := a.check(resp.StatusCode, raw)
	if err != nil {
		return ans, 0, err
	}
	return ans, elapsed, nil
}

// check decodes an answer and refuses anything but a 200 with a finished
// run and sane timings.
func (a asker) check(status int, raw []byte) (answer, error) {
	var ans answer
	decErr := json.Unmarshal(raw, &ans)
	switch {
	case status != http.StatusOK:
		msg := string(ans.Error)
		if decErr != nil || msg == "" {
			msg = clip(string(raw), 300)
		}
		return ans, fmt.Errorf("POST %s/v1/consensus answered %d %s: %s", a.base, status, http.StatusText(status), msg)
	case decErr != nil:
		return ans, fmt.Errorf("POST %s/v1/consensus: answer is not the expected JSON (%v): %s", a.base, decErr, clip(string(raw), 300))
	case ans.Status != "ok":
		return ans, fmt.Errorf("POST %s/v1/consensus: run status %q, want \"ok\" (%s)", a.base, ans.Status, ans.Error)
	case ans.OverheadMS < 0 || ans.UpstreamMS < 0:
		return ans, fmt.Errorf("POST %s/v1/consensus: negative overhead_ms %v or upstream_ms %v in the answer", a.base, ans.OverheadMS, ans.UpstreamMS)
	}
	return ans, nil
}

// cached asks a question answered before over rc, rawConn's kept-alive
// connection, and returns the answer and the time from writing the request
// (built beforehand) to having read the whole body. The answer must say
// "cached": true.
func (a asker) cached(ctx context.Context, rc *rawConn, question string) (answer, time.Duration, error) {
	body, err := json.Marshal(map[string]any{"question": question, "profile": a.profile, "no_cache": false})
	if err != nil {
		return answer{}, 0, err
	}
	req := rc.request(http.MethodPost, "/v1/consensus", "application/json", body)
	status, raw, elapsed, err := rc.roundTrip(ctx, req)
	if err != nil {
		return answer{}, 0, fmt.Errorf("POST %s/v1/consensus: %w", a.base, err)
	}
	ans, err := a.check(status, raw)
	if err == nil && !ans.Cached {
		err = errors.New("the second request for the same question was not answered from the cache (\"cached\": false); consensus.cache_hit would time a full run")
	}
	if err != nil {
		return ans, 0, err
	}
	return ans, elapsed, nil
}

// fresh asks a question that cannot be in the cache and checks the answer
// says so.
func (a asker) fresh(ctx context.Context, question string) (answer, time.Duration, error) {
	ans, d, err := a.ask(ctx, question, true)
	if err == nil && ans.Cached {
		err = fmt.Errorf("POST %s/v1/consensus: a new question with no_cache was answered from the cache", a.base)
	}
	return ans, d, err
}

// concurrently asks n fresh questions at once and returns their answers in
// order. The first failure cancels the rest.
func (a asker) concurrently(ctx context.Context, n int, question func(i int) string) ([]answer, error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	out := make([]answer, n)
	var wg sync.WaitGroup
	var once sync.Once
	var first error
	start := make(chan struct{})
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start // release all at once: n simultaneous runs, not a ramp
			ans, _, err := a.fresh(ctx, question(i))
			if err != nil {
				once.Do(func() { first = err; cancel(err) })
				return
			}
			out[i] = ans
		}()
	}
	close(start)
	wg.Wait()
	return out, first
}

// questions makes unique questions: a per-session random nonce (so a
// database that outlived its session cannot answer from cache) and a
// counter.
type questions struct {
	nonce string
	n     int
}

func newQuestions() *questions {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return &questions{nonce: hex.EncodeToString(b[:])}
}

func (q *questions) next() string {
	q.n++
	return q.at(q.n)
}

// at is the question with a given number; safe for concurrent use as long
// as the numbers were reserved with reserve.
func (q *questions) at(i int) string {
	return fmt.Sprintf("Probe %s-%d: how should a Go service bound the memory of an in-process cache?", q.nonce, i)
}

// reserve reserves n numbers and returns the first.
func (q *questions) reserve(n int) int {
	first := q.n + 1
	q.n += n
	return first
}

// startMock runs the in-process mock LLM with latency model l on a loopback
// port until ctx ends or Shutdown.
func startMock(ctx context.Context, l mockllm.Latency) (*mockllm.Running, error) {
	return mockllm.New(mockllm.Config{Seed: 1, Latency: l}).Listen(ctx, "127.0.0.1:0")
}

func stopMock(r *mockllm.Running) error {
	if r == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), mockllm.ShutdownGrace)
	defer cancel()
	return r.Shutdown(ctx)
}

func clip(s string, n int) string {
	s = strings.TrimSpace(s)
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}
