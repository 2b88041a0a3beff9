package consensus

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/hiveperf/hive/internal/exitcode"
)

//go:embed profiles.yaml
var defaultProfiles []byte

// Stage names, in pipeline order. DirectStage is the single stage of a
// direct profile.
const (
	StageGenerator = "generator"
	StageRefiner   = "refiner"
	StageValidator = "validator"
	StageCurator   = "curator"
	StageDirect    = "direct"
)

// Config is the consensus configuration: profiles and model prices. The
// zero value is not useful; start from DefaultConfig or LoadConfig.
type Config struct {
	// DefaultProfile is used when a request names none.
	DefaultProfile string `yaml:"default_profile"`
	// Profiles by name.
	Profiles map[string]*Profile `yaml:"profiles"`
	// Prices by model id, used only when upstream reports no cost.
	Prices map[string]Price `yaml:"prices"`
}

// Price is a model's list price in USD per million tokens.
type Price struct {
	Prompt     float64 `yaml:"prompt"`
	Completion float64 `yaml:"completion"`
}

// Profile is one pipeline: either the four consensus stages or a single
// direct stage.
type Profile struct {
	Name        string       `yaml:"-"`
	Description string       `yaml:"description"`
	Generator   *StageConfig `yaml:"generator"`
	Refiner     *StageConfig `yaml:"refiner"`
	Validator   *StageConfig `yaml:"validator"`
	Curator     *StageConfig `yaml:"curator"`
	Direct      *StageConfig `yaml:"direct"`

	plan []plannedStage // filled by validate, in run order
	sig  []byte         // the stage part of the cache key, built once
}

// StageConfig is what one stage sends upstream.
type StageConfig struct {
	Model       string   `yaml:"model"`
	Fallbacks   []string `yaml:"fallbacks"`
	Temperature *float64 `yaml:"temperature"` // nil: the server's default
	MaxTokens   int      `yaml:"max_tokens"`  // 0: the server's default
}

type plannedStage struct {
	name string
	cfg  StageConfig
}

// Stages returns the stage names of the profile in run order.
func (p *Profile) Stages() []string {
	out := make([]string, len(p.plan))
	for i, s := range p.plan {
		out[i] = s.name
	}
	return out
}

// StageConfig returns the configuration of the named stage, or nil.
func (p *Profile) StageConfig(name string) *StageConfig {
	for i := range p.plan {
		if p.plan[i].name == name {
			c := p.plan[i].cfg
			return &c
		}
	}
	return nil
}

// DefaultConfig returns the embedded profiles (speed, balanced, elite, cost,
// direct).
func DefaultConfig() (*Config, error) {
	c, err := ParseConfig(defaultProfiles, "embedded profiles.yaml")
	if err != nil {
		return nil, err
	}
	return c, c.validate("embedded profiles.yaml")
}

// ParseConfig decodes a config file strictly: an unknown field is an error
// naming the file and line, because a typo such as `max_token` would
// otherwise silently fall back to the server default. It does not validate
// cross-references; LoadConfig and DefaultConfig do, after merging.
func ParseConfig(data []byte, name string) (*Config, error) {
	var c Config
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil && !errors.Is(err, io.EOF) {
		return nil, exitcode.UsageError("consensus: config %s: %v (known top-level fields: default_profile, profiles, prices; stage fields: model, fallbacks, temperature, max_tokens)", name, err)
	}
	for n, p := range c.Profiles {
		if p == nil {
			return nil, exitcode.UsageError("consensus: config %s: profiles.%s is empty; give it the four stages generator, refiner, validator, curator or a single direct stage", name, n)
		}
		p.Name = n
	}
	return &c, nil
}

// ConfigPath returns the user config file that LoadConfig reads when no
// explicit path is given: $HIVE_CONFIG, else $XDG_CONFIG_HOME/hive/config.yaml,
// else ~/.config/hive/config.yaml.
func ConfigPath(getenv func(string) string) string {
	if p := getenv("HIVE_CONFIG"); p != "" {
		return p
	}
	if x := getenv("XDG_CONFIG_HOME"); x != "" {
		return filepath.Join(x, "hive", "config.yaml")
	}
	home := getenv("HOME")
	if home == "" {
		return ""
	}
	return filepath.Join(home, ".config", "hive", "config.yaml")
}

// LoadConfig returns the embedded profiles overlaid with the user file:
// explicit (a --config flag; it must exist), else ConfigPath(getenv) (a
// missing file there is fine, except when HIVE_CONFIG names it).
func LoadConfig(getenv func(string) string, explicit string) (*Config, error) {
	base, err := ParseConfig(defaultProfiles, "embedded profiles.yaml")
	if err != nil {
		return nil, err
	}
	path, mustExist := explicit, explicit != ""
	if path == "" {
		path = ConfigPath(getenv)
		mustExist = getenv("HIVE_CONFIG") != ""
	}
	if path != "" {
		data, err := os.ReadFile(path)
		switch {
		case err == nil:
			over, err := ParseConfig(data, path)
			if err != nil {
				return nil, err
			}
			base.merge(over)
			if err := base.validate(path); err != nil {
				return nil, err
			}
			return base, nil
		case errors.Is(err, os.ErrNotExist) && !mustExist:
		default:
			return nil, exitcode.UsageError("consensus: config %s: %v", path, err)
		}
	}
	return base, base.validate("embedded profiles.yaml")
}

// merge overlays o on c: whole profiles replace, prices merge per model.
func (c *Config) merge(o *Config) {
	if o.DefaultProfile != "" {
		c.DefaultProfile = o.DefaultProfile
	}
	if c.Profiles == nil {
		c.Profiles = map[string]*Profile{}
	}
	for n, p := range o.Profiles {
		c.Profiles[n] = p
	}
	if c.Prices == nil {
		c.Prices = map[string]Price{}
	}
	for m, p := range o.Prices {
		c.Prices[m] = p
	}
}

// validate checks every profile and builds its run plan. source names the
// file the user should edit.
func (c *Config) validate(source string) error {
	if len(c.Profiles) == 0 {
		return exitcode.UsageError("consensus: config %s: no profiles", source)
	}
	for _, name := range c.ProfileNames() {
		p := c.Profiles[name]
		if err := p.validate(); err != nil {
			return exitcode.UsageError("consensus: config %s: profiles.%s: %v", source, name, err)
		}
	}
	for m, pr := range c.Prices {
		if pr.Prompt < 0 || pr.Completion < 0 || math.IsNaN(pr.Prompt) || math.IsNaN(pr.Completion) {
			return exitcode.UsageError("consensus: config %s: prices.%s: prices must be >= 0 USD per million tokens", source, m)
		}
	}
	if c.DefaultProfile == "" {
		return exitcode.UsageError("consensus: config %s: default_profile is empty; set it to one of %s", source, strings.Join(c.ProfileNames(), ", "))
	}
	if _, ok := c.Profiles[c.DefaultProfile]; !ok {
		return exitcode.UsageError("consensus: config %s: default_profile %q is not a profile; known: %s", source, c.DefaultProfile, strings.Join(c.ProfileNames(), ", "))
	}
	return nil
}

func (p *Profile) validate() error {
	four := []struct {
		name string
		cfg  *StageConfig
	}{{StageGenerator, p.Generator}, {StageRefiner, p.Refiner}, {StageValidator, p.Validator}, {StageCurator, p.Curator}}
	var set, missing []string
	for _, s := range four {
		if s.cfg != nil {
			set = append(set, s.name)
		} else {
			missing = append(missing, s.name)
		}
	}
	p.plan = p.plan[:0]
	switch {
	case p.Direct != nil && len(set) > 0:
		return fmt.Errorf("has both direct and %s; a profile is either direct (one stage) or the four consensus stages", strings.Join(set, ", "))
	case p.Direct != nil:
		p.plan = append(p.plan, plannedStage{StageDirect, *p.Direct})
	case len(set) == 0:
		return errors.New("names no stages; give generator, refiner, validator and curator, or direct")
	case len(missing) > 0:
		return fmt.Errorf("is missing %s; a consensus profile needs all of generator, refiner, validator, curator", strings.Join(missing, ", "))
	default:
		for _, s := range four {
			p.plan = append(p.plan, plannedStage{s.name, *s.cfg})
		}
	}
	for _, s := range p.plan {
		switch {
		case strings.TrimSpace(s.cfg.Model) == "":
			return fmt.Errorf("%s.model is empty; give a model id such as openai/gpt-4o-mini", s.name)
		case s.cfg.MaxTokens < 0:
			return fmt.Errorf("%s.max_tokens is %d; want 0 (server default) or a positive count", s.name, s.cfg.MaxTokens)
		case s.cfg.Temperature != nil && (*s.cfg.Temperature < 0 || *s.cfg.Temperature > 2 || math.IsNaN(*s.cfg.Temperature)):
			return fmt.Errorf("%s.temperature is %v; want a value in [0, 2] or leave it out", s.name, *s.cfg.Temperature)
		}
		if slices.Contains(s.cfg.Fallbacks, "") {
			return fmt.Errorf("%s.fallbacks has an empty model id", s.name)
		}
	}
	p.sig = p.signature()
	return nil
}

// ProfileNames returns the profile names, sorted.
func (c *Config) ProfileNames() []string {
	names := make([]string, 0, len(c.Profiles))
	for n := range c.Profiles {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// Profile returns the named profile ("" means the default). An unknown name
// is a usage error listing the known ones.
func (c *Config) Profile(name string) (*Profile, error) {
	if name == "" {
		name = c.DefaultProfile
	}
	p, ok := c.Profiles[name]
	if !ok || len(p.plan) == 0 {
		return nil, exitcode.With(exitcode.Usage, &UnknownProfileError{Name: name, Known: c.ProfileNames()})
	}
	return p, nil
}

// UnknownProfileError is returned for a profile name the config lacks.
type UnknownProfileError struct {
	Name  string
	Known []string
}

func (e *UnknownProfileError) Error() string {
	return fmt.Sprintf("consensus: unknown profile %q; known profiles: %s", e.Name, strings.Join(e.Known, ", "))
}
