package proc

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWaitHTTP(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) < 3 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		_, _ = w.Write([]byte(`{"status":"ok"}`))
	}))
	defer srv.Close()

	before := time.Now()
	at, err := WaitHTTP(context.Background(), srv.Client(), srv.URL, time.Now().Add(time.Minute), nil)
	require.NoError(t, err)
	assert.EqualValues(t, 3, calls.Load(), "polls until the first 200, then stops")
	assert.False(t, at.Before(before))
}

func TestWaitHTTPGivesUp(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	defer srv.Close()
	exited := make(chan struct{})
	close(exited)
	canceled, cancel := context.WithCancel(context.Background())
	cancel()

	cases := []struct {
		name     string
		ctx      context.Context
		deadline time.Time
		exited   <-chan struct{}
		want     string
	}{
		{"deadline", context.Background(), time.Now().Add(20 * time.Millisecond), nil, "no 200 within the deadline"},
		{"process exited", context.Background(), time.Now().Add(time.Minute), exited, "exited before answering 200 (last attempt: 503"},
		{"context canceled", canceled, time.Now().Add(time.Minute), nil, "context canceled"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := WaitHTTP(c.ctx, srv.Client(), srv.URL, c.deadline, c.exited)
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
		})
	}
}
