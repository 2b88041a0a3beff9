package server

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"time"

	"github.com/hiveperf/hive/engine/consensus"
)

// consensusRequest is the body of POST /v1/consensus.
type consensusRequest struct {
	Question string  `json:"question"`
	Context  string  `json:"context"`
	Profile  string  `json:"profile"`
	Stream   bool    `json:"stream"`
	NoCache  bool    `json:"no_cache"`
	MaxCost  float64 `json:"max_cost"`
}

// decodeBody reads a JSON body under the size cap. It answers the error
// itself (413 or 400) and returns false when the request cannot go on.
func (s *Server) decodeBody(w http.ResponseWriter, r *http.Request, dst any, strict bool) bool {
	if r.ContentLength > s.cfg.MaxBodyBytes {
		writeError(w, tooLarge("request body is %d bytes; the limit is %d", r.ContentLength, s.cfg.MaxBodyBytes))
		return false
	}
	body := http.MaxBytesReader(w, r.Body, s.cfg.MaxBodyBytes)
	dec := json.NewDecoder(body)
	if strict {
		dec.DisallowUnknownFields()
	}
	err := dec.Decode(dst)
	if err == nil {
		// Reject trailing garbage, and read to EOF so a too-long body is
		// caught even when its first value parsed.
		if _, err2 := dec.Token(); !errors.Is(err2, io.EOF) {
			err = errors.New("unexpected data after the JSON object")
			var mbe *http.MaxBytesError
			if errors.As(err2, &mbe) {
				err = err2
			}
		}
	}
	if err != nil {
		if errors.Is(err, io.EOF) {
			err = errors.New("empty body; want a JSON object")
		}
		writeError(w, bodyError(err, s.cfg.MaxBodyBytes))
		return false
	}
	return true
}

// runContext bounds a run by RunTimeout and lifts the connection's read
// deadline: net/http cancels the request context when ReadTimeout expires
// during a handler, which would kill every run longer than 30 s. Client
// disconnects are still seen (the background read gets EOF).
func (s *Server) runContext(w http.ResponseWriter, r *http.Request) (context.Context, context.CancelFunc) {
	_ = http.NewResponseController(w).SetReadDeadline(time.Time{})
	return context.WithTimeout(r.Context(), s.cfg.RunTimeout)
}

// answerMargin is how long past RunTimeout a non-streamed answer may still
// be written: the run's record is waited for after the run (up to the
// engine's record timeout), then the answer is sent.
const answerMargin = consensus.DefaultRecordTimeout + 30*time.Second

func (s *Server) handleConsensus(w http.ResponseWriter, r *http.Request) {
	var req consensusRequest
	if !s.decodeBody(w, r, &req, true) {
		return
	}
	// The answer goes out only once the run's outcome is committed: an
	// answer the client holds is a run the database holds, whatever
	// happens to this process next (the crash tests kill it at random).
	creq := consensus.Request{Question: req.Question, Context: req.Context, Profile: req.Profile,
		NoCache: req.NoCache, MaxCost: req.MaxCost}

	if !req.Stream {
		// A hit is answered before the connection is prepared for a run
		// of up to RunTimeout: it needs neither the lifted read deadline
		// nor the timeout context, each a timer to set and undo.
		if !req.NoCache {
			res, err := s.cfg.Engine.Lookup(r.Context(), creq)
			switch {
			case err != nil:
				writeError(w, runError(r.Context(), err))
				return
			case res != nil:
				writeResult(w, http.StatusOK, res)
				return
			}
			creq.NoCache = true // looked up and missed: do not look again
		}
		ctx, cancel := s.runContext(w, r)
		defer cancel()
		_ = http.NewResponseController(w).SetWriteDeadline(time.Now().Add(s.cfg.RunTimeout + answerMargin))
		res, err := s.cfg.Engine.Run(ctx, creq, nil)
		s.logRun(res, err)
		switch {
		case res == nil:
			writeError(w, runError(ctx, err))
		case err != nil:
			e := runError(ctx, err)
			writeJSON(w, e.status, e.body(res))
		default:
			writeResult(w, http.StatusOK, res)
		}
		return
	}

	ctx, cancel := s.runContext(w, r)
	defer cancel()
	ctx, cancelRun := context.WithCancelCause(ctx)
	defer cancelRun(nil)

	sse := s.newSSEWriter(w, cancelRun)
	defer sse.close()
	res, err := s.cfg.Engine.Run(ctx, creq, func(ev consensus.Event) {
		switch ev.Kind {
		case consensus.EventStageStarted:
			sse.event(string(ev.Kind), stageStartedJSON{Index: ev.Index, Stage: ev.Stage, Model: ev.Model})
		case consensus.EventToken:
			sse.event(string(ev.Kind), tokenJSON{Index: ev.Index, Stage: ev.Stage, Delta: ev.Delta})
		case consensus.EventStageCompleted:
			sse.event(string(ev.Kind), stageCompletedJSON{Index: ev.Index, Stage: ev.Stage, Record: ev.Record.JSON()})
		case consensus.EventDone:
			sse.event(string(ev.Kind), doneJSON{Result: ev.Result.JSON()})
		case consensus.EventError:
			sse.event(string(ev.Kind), runError(ctx, ev.Err).body(ev.Result))
		}
	})
	sse.close()
	s.logRun(res, err)
	if res == nil && !sse.isStarted() {
		// Rejected before the first event: a plain JSON error.
		writeError(w, runError(ctx, err))
	}
}

type stageStartedJSON struct {
	Index int    `json:"index"`
	Stage string `json:"stage"`
	Model string `json:"model"`
}

type tokenJSON struct {
	Index int    `json:"index"`
	Stage string `json:"stage"`
	Delta string `json:"delta"`
}

type stageCompletedJSON struct {
	Index  int                       `json:"index"`
	Stage  string                    `json:"stage"`
	Record consensus.StageRecordJSON `json:"record"`
}

type doneJSON struct {
	Result consensus.ResultJSON `json:"result"`
}

// logRun follows every Engine.Run: it charges the run's cost to the spend
// window and logs what an operator needs to act on: failed runs and runs
// that could not be recorded. Successful runs are in /metrics, not the log.
func (s *Server) logRun(res *consensus.Result, err error) {
	if res == nil {
		return
	}
	if model := s.admission.charge(res); model != "" && !s.admission.unpricedWarned.Swap(true) {
		s.log.Warn("the spend cap counts this model's runs as free: upstream reported no cost and the config has no price for it; add it to the config's prices (logged once)", "model", model)
	}
	if err != nil {
		s.log.Info("run did not finish", "conversation", res.ConversationID, "status", res.Status, "err", err)
	}
	if res.RecordErr != nil {
		s.log.Error("run not recorded", "err", res.RecordErr)
	}
}
