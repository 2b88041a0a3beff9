package consensus

// EventKind names a streaming event. The names are also the SSE event names
// of POST /v1/consensus with "stream": true.
type EventKind string

// The events of a run, in the order they arrive: for each stage
// stage_started, token... , stage_completed; then done (or error).
const (
	EventStageStarted   EventKind = "stage_started"
	EventToken          EventKind = "token"
	EventStageCompleted EventKind = "stage_completed"
	EventDone           EventKind = "done"
	EventError          EventKind = "error"
)

// Event is one step of a run, delivered synchronously on the goroutine that
// called Run: a slow handler slows the run (backpressure), it never drops
// tokens.
type Event struct {
	Kind  EventKind
	Index int    // the stage's position in the profile (0-based)
	Stage string // stage name, for stage and token events
	Model string // stage_started: the configured model
	Delta string // token: the new text
	// Record is the finished stage (stage_completed).
	Record *StageRecord
	// Result is the run (done, error). Err is the run's error (error).
	Result *Result
	Err    error
}

// EventHandler receives a run's events. It must not retain Record or Result
// past the call if it may run concurrently with the caller's use of them.
type EventHandler func(Event)
