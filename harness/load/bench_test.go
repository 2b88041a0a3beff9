package load

import (
	"context"
	"net/http"
	"testing"
	"time"
)

// trivial answers every request with a minimal consensus reply, so that a
// benchmark against it measures the generator (request building, the shared
// transport, reading and decoding the answer, recording), not a server.
var trivial = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Write([]byte(`{"conversation_id":1,"status":"ok","overhead_ms":0.1,"cached":false}` + "\n"))
})

// BenchmarkGeneratorMaxRate is the closed-model generator's ceiling on
// loopback: 64 users, no think time, against a handler that does nothing.
// The server shares the machine, so this is a floor of what the generator
// alone can do; compare it with the rates a scenario asks for.
func BenchmarkGeneratorMaxRate(b *testing.B) {
	url := serve(b, trivial)
	sc := scenario(func(s *Scenario) {
		s.Model, s.Rate, s.Users = Closed, 0, 64
		s.Duration, s.MaxRequests = 10*time.Minute, int64(b.N)
	})
	b.ResetTimer()
	start := time.Now()
	rep, err := Run(context.Background(), sc, Target{URL: url}, Options{SampleEvery: time.Hour})
	elapsed := time.Since(start)
	b.StopTimer()
	if err != nil || rep.All.Errors > 0 || rep.All.OK != int64(b.N) {
		b.Fatalf("run: err %v, %d ok of %d, errors %+v", err, rep.All.OK, b.N, rep.Errors)
	}
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "req/s")
}

// BenchmarkGeneratorOpenSchedule offers 1,000, 2,000 and 5,000 arrivals/s
// for one second each and reports the rate served, the drops and the p99
// and max of the scheduler's lag (arrival → handed to the client). The
// handler is trivial, so lag and drops are the generator's own limits on
// this machine (the handler shares its cores). Run with -benchtime 1x.
func BenchmarkGeneratorOpenSchedule(b *testing.B) {
	url := serve(b, trivial)
	for _, rate := range []Rate{1000, 2000, 5000} {
		b.Run(rate.String(), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				sc := scenario(func(s *Scenario) { s.Rate, s.Duration, s.MaxInFlight = rate, time.Second, 1000 })
				rep, err := Run(context.Background(), sc, Target{URL: url}, Options{SampleEvery: time.Hour})
				if err != nil || rep.All.Errors > 0 {
					b.Fatalf("run: err %v, errors %+v", err, rep.Errors)
				}
				b.ReportMetric(float64(rep.All.OK)/rep.Window.Seconds(), "req/s")
				b.ReportMetric(float64(rep.Dropped), "dropped")
				if rep.IssueLag != nil {
					b.ReportMetric(rep.IssueLag.P99MS, "lag-p99-ms")
					b.ReportMetric(rep.IssueLag.MaxMS, "lag-max-ms")
				}
			}
		})
	}
}
