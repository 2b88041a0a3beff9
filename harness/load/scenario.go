package load

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/hiveperf/hive/internal/exitcode"
)

// Model is how load is offered.
type Model string

// The two load models.
const (
	// Closed: Users virtual users each send a request, wait for the answer,
	// think, and repeat. The offered load drops when the server slows down,
	// which is what real interactive users do, and it is why a closed run
	// cannot show queueing delay: latency is measured from the actual send.
	Closed Model = "closed"
	// Open: requests arrive at a constant Rate whatever the server does.
	// Latency is measured from each arrival's scheduled time, so a stalled
	// server is charged for the wait of every request it held back
	// (coordinated omission). At most MaxInFlight requests run at once; an
	// arrival that cannot start within its slot is dropped and counted.
	Open Model = "open"
)

// MockLatency is the declared latency model of the mock LLM that the harness
// starts in-process when it also starts `hive serve`. It is exact (no
// jitter), so that "the declared latency" of a run is a number, not a
// distribution.
type MockLatency struct {
	TTFT   time.Duration `yaml:"ttft"`   // time to first token of every reply
	ITL    time.Duration `yaml:"itl"`    // gap between two tokens
	Tokens int           `yaml:"tokens"` // tokens per reply; 0 means the mock's default, 16
}

// DefaultMockTokens is mockllm.DefaultTokens, repeated so that the declared
// latency of a zero Tokens field is computed with the length the mock uses.
const DefaultMockTokens = 16

func (m MockLatency) tokens() int {
	if m.Tokens == 0 {
		return DefaultMockTokens
	}
	return m.Tokens
}

// Declared is the declared upstream latency of one run of a profile with
// the given number of stages:
//
//	stages × (TTFT + tokens × ITL)
//
// The stages run one after the other, each one streamed reply. The mock's
// own schedule of a reply is TTFT + (tokens−1) × ITL (no gap before the first
// token), so Declared is an upper bound of the planned upstream time with
// stages × ITL of slack; thresholds written as "declared+5ms" get that
// slack on top of the 5 ms.
func (m MockLatency) Declared(stages int) time.Duration {
	return time.Duration(stages) * (m.TTFT + time.Duration(m.tokens())*m.ITL)
}

// Scenario is one load test: who sends what, how fast, for how long, and
// what must hold at the end. Scenario files are YAML with exactly these
// fields (an unknown field is an error):
//
//	name: seed-100-users
//	description: one line for --list
//	model: open                # open | closed
//	users: 100                 # closed: virtual users; open: default of max_inflight
//	rate: 1000/min             # open only: R/s, R/min or R/h
//	max_inflight: 100          # open only: requests running at once (default users)
//	duration: 60s
//	think: 1s                  # closed only: pause between a user's requests
//	think_jitter: 500ms        # ± uniform around think (default think/2)
//	timeout: 30s               # per request
//	max_requests: 0            # hard cap on requests issued (0: derived, see MaxRequestsOrDefault)
//	profile: balanced          # consensus profile of consensus and cache_hit requests
//	seed: 1                    # kind choice and think jitter are drawn from it
//	mix: {consensus: 8, cache_hit: 1, conversation_read: 1}
//	mock: {ttft: 50ms, itl: 5ms, tokens: 20}
//	thresholds: ["p(99)<declared+5ms", "rate(errors)<0.01", "count(dropped)==0"]
type Scenario struct {
	Name        string             `yaml:"name"`
	Description string             `yaml:"description"`
	Model       Model              `yaml:"model"`
	Users       int                `yaml:"users"`
	Rate        Rate               `yaml:"rate"`
	MaxInFlight int                `yaml:"max_inflight"`
	Duration    time.Duration      `yaml:"duration"`
	Think       time.Duration      `yaml:"think"`
	ThinkJitter time.Duration      `yaml:"think_jitter"`
	Timeout     time.Duration      `yaml:"timeout"`
	MaxRequests int64              `yaml:"max_requests"`
	Profile     string             `yaml:"profile"`
	Seed        uint64             `yaml:"seed"`
	Mix         map[string]float64 `yaml:"mix"`
	Mock        MockLatency        `yaml:"mock"`
	Thresholds  []string           `yaml:"thresholds"`
}

// Defaults of a Scenario's zero fields.
const (
	DefaultTimeout = 30 * time.Second
	DefaultProfile = "balanced"
	// MaxDuration bounds every run; a soak longer than a day is a
	// different tool.
	MaxDuration = 24 * time.Hour
	// MaxUsers bounds the goroutines and connections one generator opens.
	MaxUsers = 20000
	// closedCeiling is the highest average rate a closed run is allowed to
	// reach before its request cap stops it: well above what one generator
	// sustains on loopback (see BenchmarkGeneratorMaxRate), so it only
	// bounds a runaway loop.
	closedCeiling = 200000.0
	// unsetJitter marks think_jitter as not given, so its default can
	// depend on think.
	unsetJitter = time.Duration(math.MinInt64)
)

// NewScenario returns a scenario with every default filled except the
// fields that have none (model, users or rate, duration, mix).
func NewScenario() Scenario {
	return Scenario{Timeout: DefaultTimeout, Profile: DefaultProfile, Seed: 1, ThinkJitter: unsetJitter}
}

//go:embed scenarios/*.yaml
var builtinFS embed.FS

// BuiltinNames lists the scenarios embedded in the binary, sorted.
func BuiltinNames() []string {
	ents, _ := builtinFS.ReadDir("scenarios")
	var names []string
	for _, e := range ents {
		names = append(names, strings.TrimSuffix(e.Name(), ".yaml"))
	}
	sort.Strings(names)
	return names
}

// WriteScenarios lists the built-in scenarios on w, one per line with its
// description.
func WriteScenarios(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, name := range BuiltinNames() {
		sc, err := Builtin(name)
		if err != nil {
			return err
		}
		fmt.Fprintf(tw, "%s\t%s\n", name, sc.Description)
	}
	return tw.Flush()
}

// Builtin returns an embedded scenario by name. An unknown name is a usage
// error listing the known ones.
func Builtin(name string) (Scenario, error) {
	data, err := builtinFS.ReadFile("scenarios/" + name + ".yaml")
	if err != nil {
		return Scenario{}, exitcode.UsageError("unknown scenario %q; built-in scenarios are %s (or pass --scenario-file FILE)", name, strings.Join(BuiltinNames(), ", "))
	}
	return ParseScenario(data, "built-in scenario "+name)
}

// LoadScenarioFile reads and validates a scenario file. Errors are usage
// errors naming the file and the field.
func LoadScenarioFile(path string) (Scenario, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Scenario{}, exitcode.UsageError("scenario %s: %v", path, err)
	}
	sc, err := ParseScenario(data, "scenario "+path)
	if err != nil {
		return Scenario{}, err
	}
	if sc.Name == "" {
		sc.Name = strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	}
	return sc, nil
}

// ParseScenario decodes one YAML document strictly over NewScenario's
// defaults and validates it; label names the source in errors. Unlike
// LoadScenarioFile it does not default the name.
func ParseScenario(data []byte, label string) (Scenario, error) {
	sc := NewScenario()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&sc); err != nil {
		if errors.Is(err, io.EOF) {
			return Scenario{}, exitcode.UsageError("%s is empty; want a YAML mapping with model, duration and mix", label)
		}
		return Scenario{}, exitcode.UsageError("%s: %s", label, oneLine(err))
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return Scenario{}, exitcode.UsageError("%s holds more than one YAML document; want exactly one", label)
	}
	if err := sc.Validate(); err != nil {
		return Scenario{}, exitcode.UsageError("%s: %v", label, err)
	}
	return sc, nil
}

// oneLine flattens yaml's multi-line "unmarshal errors:" list.
func oneLine(err error) string {
	s := strings.TrimPrefix(err.Error(), "yaml: ")
	s = strings.ReplaceAll(s, "unmarshal errors:\n  ", "")
	return strings.ReplaceAll(s, "\n  ", "; ")
}

// Validate fills the defaults that depend on other fields (max_inflight,
// think_jitter) and reports the first field that is wrong, by its YAML name.
// The error carries no exit code; callers wrap it.
func (sc *Scenario) Validate() error {
	if sc.Timeout == 0 {
		sc.Timeout = DefaultTimeout
	}
	if sc.Profile == "" {
		sc.Profile = DefaultProfile
	}
	if sc.ThinkJitter == unsetJitter {
		sc.ThinkJitter = sc.Think / 2
	}
	switch sc.Model {
	case Closed:
		if sc.Users < 1 || sc.Users > MaxUsers {
			return fmt.Errorf("users is %d; a closed model needs 1..%d virtual users", sc.Users, MaxUsers)
		}
		if sc.Rate != 0 {
			return fmt.Errorf("rate is %v but model is closed; a closed model's rate follows from users, latency and think time (use model: open for a fixed rate)", sc.Rate)
		}
		if sc.MaxInFlight != 0 {
			return fmt.Errorf("max_inflight is %d but model is closed; a closed run has exactly users requests in flight at most", sc.MaxInFlight)
		}
	case Open:
		if sc.Rate <= 0 {
			return errors.New("rate is missing; an open model needs an arrival rate such as 1000/min")
		}
		if sc.Users < 0 || sc.Users > MaxUsers {
			return fmt.Errorf("users is %d; want 0..%d", sc.Users, MaxUsers)
		}
		if sc.MaxInFlight == 0 {
			sc.MaxInFlight = sc.Users
		}
		if sc.MaxInFlight < 1 || sc.MaxInFlight > MaxUsers {
			return fmt.Errorf("max_inflight is %d (default: users); an open model needs 1..%d", sc.MaxInFlight, MaxUsers)
		}
		if sc.Think != 0 {
			return fmt.Errorf("think is %v but model is open; arrivals follow the rate, there is no think time", sc.Think)
		}
		sc.ThinkJitter = 0
	case "":
		return errors.New("model is missing; want open (a constant arrival rate) or closed (virtual users with think time)")
	default:
		return fmt.Errorf("model is %q; want open or closed", sc.Model)
	}
	if sc.Duration <= 0 || sc.Duration > MaxDuration {
		return fmt.Errorf("duration is %v; want a duration in (0, %v] such as 60s", sc.Duration, MaxDuration)
	}
	if sc.Think < 0 {
		return fmt.Errorf("think is %v; want a duration ≥ 0", sc.Think)
	}
	if sc.ThinkJitter < 0 || sc.ThinkJitter > sc.Think {
		return fmt.Errorf("think_jitter is %v; want 0 ≤ think_jitter ≤ think (%v): it is ± around think and a pause cannot be negative", sc.ThinkJitter, sc.Think)
	}
	if sc.Timeout < 0 {
		return fmt.Errorf("timeout is %v; want a positive duration such as 30s", sc.Timeout)
	}
	if sc.MaxRequests < 0 {
		return fmt.Errorf("max_requests is %d; want ≥ 0 (0 derives the cap from rate or users and duration)", sc.MaxRequests)
	}
	if len(sc.Mix) == 0 {
		return fmt.Errorf("mix is empty; want weights per request kind such as {consensus: 1} (kinds: %s)", kindList())
	}
	var total float64
	for name, w := range sc.Mix {
		if _, err := ParseKind(name); err != nil {
			return fmt.Errorf("mix: %w", err)
		}
		if math.IsNaN(w) || math.IsInf(w, 0) || w < 0 {
			return fmt.Errorf("mix.%s is %v; want a weight ≥ 0", name, w)
		}
		total += w
	}
	if total <= 0 {
		return errors.New("mix: every weight is 0; want at least one kind with a positive weight")
	}
	if sc.Mock.TTFT < 0 || sc.Mock.ITL < 0 {
		return fmt.Errorf("mock.ttft (%v) and mock.itl (%v) must be ≥ 0", sc.Mock.TTFT, sc.Mock.ITL)
	}
	if sc.Mock.Tokens < 0 {
		return fmt.Errorf("mock.tokens is %d; want ≥ 1 (0 means the mock's default, %d)", sc.Mock.Tokens, DefaultMockTokens)
	}
	for i, t := range sc.Thresholds {
		if _, err := ParseThreshold(t); err != nil {
			return fmt.Errorf("thresholds[%d]: %w", i, err)
		}
	}
	return nil
}

// Weight returns the mix weight of kind k (0 when the mix leaves it out).
func (sc *Scenario) Weight(k Kind) float64 { return sc.Mix[string(k)] }

// MaxRequestsOrDefault is the hard cap on requests issued: max_requests when
// set, else for an open model ⌈rate × duration × 1.1⌉ + 1 (the schedule
// itself never exceeds rate × duration; the cap is the belt to its braces),
// and for a closed model the count that users would reach at their fastest
// think time plus 10%, or an average of 200,000 requests/s without think
// time — far above what one generator sustains, so it only stops a runaway.
func (sc *Scenario) MaxRequestsOrDefault() int64 {
	if sc.MaxRequests > 0 {
		return sc.MaxRequests
	}
	secs := sc.Duration.Seconds()
	if sc.Model == Open {
		// The epsilon keeps float error (1000/min × 60 s × 1.1 =
		// 1100.0000000000002) from adding a request to the cap.
		return int64(math.Ceil(float64(sc.Rate)*secs*1.1-1e-9)) + 1
	}
	if minThink := sc.Think - sc.ThinkJitter; minThink > 0 {
		per := math.Ceil(secs/minThink.Seconds()*1.1) + 1
		return int64(per) * int64(sc.Users)
	}
	return int64(math.Ceil(closedCeiling*secs)) + int64(sc.Users)
}

// Describe is the one-line summary of the load shape, for reports.
func (sc *Scenario) Describe() string {
	var b strings.Builder
	switch sc.Model {
	case Open:
		fmt.Fprintf(&b, "open model, %v (%.4g/s), max in-flight %d", sc.Rate, sc.Rate.PerSecond(), sc.MaxInFlight)
	case Closed:
		fmt.Fprintf(&b, "closed model, %d users", sc.Users)
		if sc.Think > 0 {
			fmt.Fprintf(&b, ", think %v ± %v", sc.Think, sc.ThinkJitter)
		} else {
			b.WriteString(", no think time")
		}
	}
	fmt.Fprintf(&b, ", %v, timeout %v, profile %s, mix", sc.Duration, sc.Timeout, sc.Profile)
	for _, k := range Kinds {
		if w := sc.Weight(k); w > 0 {
			fmt.Fprintf(&b, " %s=%g", k, w)
		}
	}
	return b.String()
}

// MarshalJSON writes the scenario as its YAML file spells it (durations as
// "60s", the rate as "1000/min"), so a report embeds a scenario a reader
// can paste back into a file.
func (sc Scenario) MarshalJSON() ([]byte, error) {
	type mock struct {
		TTFT   string `json:"ttft"`
		ITL    string `json:"itl"`
		Tokens int    `json:"tokens"`
	}
	out := struct {
		Name        string             `json:"name"`
		Description string             `json:"description,omitempty"`
		Model       Model              `json:"model"`
		Users       int                `json:"users,omitempty"`
		Rate        string             `json:"rate,omitempty"`
		MaxInFlight int                `json:"max_inflight,omitempty"`
		Duration    string             `json:"duration"`
		Think       string             `json:"think,omitempty"`
		ThinkJitter string             `json:"think_jitter,omitempty"`
		Timeout     string             `json:"timeout"`
		MaxRequests int64              `json:"max_requests,omitempty"`
		Profile     string             `json:"profile"`
		Seed        uint64             `json:"seed"`
		Mix         map[string]float64 `json:"mix"`
		Mock        mock               `json:"mock"`
		Thresholds  []string           `json:"thresholds,omitempty"`
	}{
		Name: sc.Name, Description: sc.Description, Model: sc.Model, Users: sc.Users, MaxInFlight: sc.MaxInFlight,
		Duration: sc.Duration.String(), Timeout: sc.Timeout.String(), MaxRequests: sc.MaxRequests,
		Profile: sc.Profile, Seed: sc.Seed, Mix: sc.Mix, Thresholds: sc.Thresholds,
		Mock: mock{TTFT: sc.Mock.TTFT.String(), ITL: sc.Mock.ITL.String(), Tokens: sc.Mock.tokens()},
	}
	if sc.Rate > 0 {
		out.Rate = sc.Rate.String()
	}
	if sc.Model == Closed {
		out.Think, out.ThinkJitter = sc.Think.String(), sc.ThinkJitter.String()
	}
	return json.Marshal(out)
}
