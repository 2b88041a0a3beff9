package subject

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/hiveperf/hive/internal/exitcode"
)

// Subject is a parsed subject file.
type Subject struct {
	Name        string            `yaml:"name"`
	Description string            `yaml:"description"`
	Dir         string            `yaml:"dir"`
	Env         map[string]string `yaml:"env"`
	Version     []string          `yaml:"version"`
	Serve       *Serve            `yaml:"serve"`
	Analyze     *Analyze          `yaml:"analyze"`
	Consensus   *Consensus        `yaml:"consensus"`
	Database    *Database         `yaml:"database"`

	// Source is the file it was read from, SHA256 the hex digest of its
	// bytes: a results file records both, so a run says which definition
	// it measured.
	Source string `yaml:"-"`
	SHA256 string `yaml:"-"`
}

// Serve is how the subject's server starts and says it is ready.
type Serve struct {
	Command []string `yaml:"command"`
	Health  string   `yaml:"health"`
	LLMEnv  string   `yaml:"llm_env"`
}

// Analyze is the subject's directory analysis.
type Analyze struct {
	Command []string `yaml:"command"`
	Files   Extract  `yaml:"files"`
	Bytes   Extract  `yaml:"bytes"`
	PerFile bool     `yaml:"per_file"`
}

// Consensus is the subject's consensus endpoint on its server.
type Consensus struct {
	API          string `yaml:"api"`
	Path         string `yaml:"path"`
	Model        string `yaml:"model"`
	Cache        bool   `yaml:"cache"`
	Conversation string `yaml:"conversation"`
}

// Database is the subject's store timing command.
type Database struct {
	Command []string `yaml:"command"`
	Ops     []string `yaml:"ops"`
}

// The consensus APIs.
const (
	APIHive   = "hive"
	APIOpenAI = "openai"
)

// DefaultOps are the operations of `hive db bench` (engine/store OpNames),
// which a subject's database command reports unless its file says others.
var DefaultOps = []string{"insert_message", "read_conversation", "cache_put", "cache_get", "upsert_file_50_symbols", "search_symbols", "record_run"}

// The placeholders, and which command may use which.
const (
	Port     = "{port}"
	DB       = "{db}"
	LLM      = "{llm}"
	Workload = "{workload}"
	FilesOut = "{files_out}"
	Ops      = "{ops}"
)

var placeholderRE = regexp.MustCompile(`\{[a-z_]+\}`)

// Load reads, parses and validates a subject file, and resolves its dir
// against the file's directory. Errors are usage errors naming the file.
func Load(path string) (*Subject, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, exitcode.UsageError("subject %s: %v", path, err)
	}
	s, err := Parse(data, path)
	if err != nil {
		return nil, err
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, exitcode.UsageError("subject %s: %v", path, err)
	}
	dir := s.Dir
	if dir == "" {
		dir = "."
	}
	if !filepath.IsAbs(dir) {
		dir = filepath.Join(filepath.Dir(abs), dir)
	}
	s.Dir = filepath.Clean(dir)
	s.Source = path
	return s, nil
}

// Parse decodes one subject document strictly and validates it; label
// names the source in errors. It reads nothing but data.
func Parse(data []byte, label string) (*Subject, error) {
	var s Subject
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&s); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, exitcode.UsageError("subject %s: the file is empty; want at least name and serve (go doc github.com/hiveperf/hive/harness/subject)", label)
		}
		return nil, exitcode.UsageError("subject %s: %v (go doc github.com/hiveperf/hive/harness/subject lists the fields)", label, err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return nil, exitcode.UsageError("subject %s: more than one YAML document; want one", label)
	}
	if err := s.validate(); err != nil {
		return nil, exitcode.UsageError("subject %s: %v", label, err)
	}
	sum := sha256.Sum256(data)
	s.SHA256 = hex.EncodeToString(sum[:])
	return &s, nil
}

func (s *Subject) validate() error {
	if !validName(s.Name) {
		return fmt.Errorf("name %q: want 1 to 64 letters, digits, '-', '_' or '.' (it labels the reports), e.g. typescript", s.Name)
	}
	if s.Name == "hive" {
		return errors.New(`name "hive" is hive's own; a subject is another implementation, so give it another name`)
	}
	for k := range s.Env {
		if !validEnvName(k) {
			return fmt.Errorf("env: %q is not a variable name; want letters, digits and '_', not starting with a digit", k)
		}
	}
	if s.Version != nil {
		if err := checkCommand("version", s.Version, nil, nil); err != nil {
			return err
		}
	}
	if s.Serve == nil {
		return errors.New("serve is missing; every subject is a server the startup and memory probes start (serve.command with {port})")
	}
	if err := s.Serve.validate(); err != nil {
		return err
	}
	if s.Analyze != nil {
		if err := s.Analyze.validate(); err != nil {
			return err
		}
	}
	if s.Consensus != nil {
		if s.Serve.LLMEnv == "" {
			return errors.New("serve.llm_env is empty but consensus is set; name the environment variable that points the server at an OpenAI-compatible base URL (the harness's mock LLM)")
		}
		if err := s.Consensus.validate(); err != nil {
			return err
		}
	}
	if s.Database != nil {
		if err := s.Database.validate(); err != nil {
			return err
		}
	}
	return nil
}

func (v *Serve) validate() error {
	if err := checkCommand("serve.command", v.Command, []string{Port, DB, LLM}, []string{Port}); err != nil {
		return err
	}
	if v.Health == "" {
		v.Health = "/healthz"
	}
	if !strings.HasPrefix(v.Health, "/") || strings.ContainsAny(v.Health, " \t\r\n#") {
		return fmt.Errorf("serve.health %q: want a URL path such as /healthz", v.Health)
	}
	if v.LLMEnv != "" && !validEnvName(v.LLMEnv) {
		return fmt.Errorf("serve.llm_env %q: want an environment variable name such as TS_LLM_BASE_URL", v.LLMEnv)
	}
	return nil
}

func (a *Analyze) validate() error {
	required := []string{Workload}
	if a.PerFile {
		required = append(required, FilesOut)
	}
	if err := checkCommand("analyze.command", a.Command, []string{Workload, DB, FilesOut}, required); err != nil {
		return err
	}
	if !a.PerFile && slicesContains(a.Command, FilesOut) {
		return fmt.Errorf("analyze.command uses %s but per_file is false; set per_file: true if the file gets one line per analysed file, else drop it", FilesOut)
	}
	if a.Files.IsZero() {
		return errors.New("analyze.files is missing; say how to read the analysed-file count from stdout: json:FIELD or regex:RE")
	}
	if err := a.Files.compile("analyze.files"); err != nil {
		return err
	}
	if !a.Bytes.IsZero() {
		if err := a.Bytes.compile("analyze.bytes"); err != nil {
			return err
		}
	}
	return nil
}

func (c *Consensus) validate() error {
	switch c.API {
	case APIHive:
		if c.Path == "" {
			c.Path = "/v1/consensus"
		}
		if c.Model != "" {
			return errors.New("consensus.model is for api openai; api hive sends a profile (the probes' default)")
		}
	case APIOpenAI:
		if c.Path == "" {
			c.Path = "/v1/chat/completions"
		}
		if c.Model == "" {
			return errors.New("consensus.model is empty; api openai needs the model field to send, e.g. balanced")
		}
		if c.Cache || c.Conversation != "" {
			return errors.New("consensus.cache and consensus.conversation are for api hive: an OpenAI answer says neither whether it was cached nor where it was recorded")
		}
	case "":
		return fmt.Errorf("consensus.api is missing; want %s (POST /v1/consensus answering as hive does) or %s (POST /v1/chat/completions)", APIHive, APIOpenAI)
	default:
		return fmt.Errorf("consensus.api %q: want %s or %s", c.API, APIHive, APIOpenAI)
	}
	if !strings.HasPrefix(c.Path, "/") || strings.ContainsAny(c.Path, " \t\r\n#?") {
		return fmt.Errorf("consensus.path %q: want a URL path such as /v1/consensus", c.Path)
	}
	if c.Conversation != "" {
		if !strings.HasPrefix(c.Conversation, "/") || strings.Count(c.Conversation, "{id}") != 1 || strings.ContainsAny(c.Conversation, " \t\r\n#?") {
			return fmt.Errorf("consensus.conversation %q: want a URL path with one {id}, e.g. /v1/conversations/{id}", c.Conversation)
		}
	}
	return nil
}

func (d *Database) validate() error {
	if err := checkCommand("database.command", d.Command, []string{DB, Ops}, []string{DB, Ops}); err != nil {
		return err
	}
	if len(d.Ops) == 0 {
		d.Ops = append([]string(nil), DefaultOps...)
	}
	seen := map[string]bool{}
	for i, op := range d.Ops {
		if !validOp(op) {
			return fmt.Errorf("database.ops[%d] %q: want an operation name in lower case, digits and '_', e.g. insert_message", i, op)
		}
		if seen[op] {
			return fmt.Errorf("database.ops[%d] %q is listed twice", i, op)
		}
		seen[op] = true
	}
	return nil
}

// checkCommand refuses an empty command, an empty program, a placeholder
// the command may not use and a missing required one.
func checkCommand(field string, argv []string, allowed, required []string) error {
	if len(argv) == 0 {
		return fmt.Errorf("%s is empty; want a list: program and arguments, e.g. [node, dist/server.js]", field)
	}
	if strings.TrimSpace(argv[0]) == "" {
		return fmt.Errorf("%s[0] (the program) is empty", field)
	}
	if placeholderRE.MatchString(argv[0]) {
		return fmt.Errorf("%s[0] %q: the program cannot be a placeholder", field, argv[0])
	}
	for i, a := range argv {
		if strings.ContainsRune(a, 0) {
			return fmt.Errorf("%s[%d] contains a NUL byte", field, i)
		}
		for _, p := range placeholderRE.FindAllString(a, -1) {
			if !slicesContains(allowed, p) {
				want := "none"
				if len(allowed) > 0 {
					want = strings.Join(allowed, " ")
				}
				return fmt.Errorf("%s[%d] %q: unknown placeholder %s here; %s may use %s", field, i, a, p, field, want)
			}
		}
	}
	for _, p := range required {
		found := false
		for _, a := range argv[1:] {
			found = found || strings.Contains(a, p)
		}
		if !found {
			return fmt.Errorf("%s needs %s in its arguments (%s)", field, p, placeholderHelp[p])
		}
	}
	return nil
}

var placeholderHelp = map[string]string{
	Port:     "the loopback port the harness picked, which the server must listen on",
	Workload: "the tree to analyse",
	FilesOut: "the file that gets one JSON line per analysed file",
	DB:       "the scratch database the operations run on",
	Ops:      "how many of each operation to time",
}

func slicesContains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

func validName(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return false
		}
	}
	return true
}

func validEnvName(s string) bool {
	if s == "" || s[0] >= '0' && s[0] <= '9' {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_') {
			return false
		}
	}
	return true
}

func validOp(op string) bool {
	if op == "" || len(op) > 64 {
		return false
	}
	for _, r := range op {
		if (r < 'a' || r > 'z') && (r < '0' || r > '9') && r != '_' {
			return false
		}
	}
	return true
}

// Supports reports whether the subject can be measured on a metric family
// (startup, memory, parsing, consensus, database), and if not, which
// section of the file it lacks.
func (s *Subject) Supports(family string) (bool, string) {
	switch family {
	case "startup", "memory":
		return true, ""
	case "parsing":
		return s.Analyze != nil, "analyze"
	case "consensus":
		return s.Consensus != nil, "consensus"
	case "database":
		return s.Database != nil, "database"
	}
	return false, family
}

// Expand replaces the placeholders of argv with vars (placeholder →
// value); validation made sure every placeholder has a value.
func Expand(argv []string, vars map[string]string) []string {
	out := make([]string, len(argv))
	for i, a := range argv {
		out[i] = placeholderRE.ReplaceAllStringFunc(a, func(p string) string {
			if v, ok := vars[p]; ok {
				return v
			}
			return p
		})
	}
	return out
}

// Program resolves a command's program: a path with a slash against Dir,
// a bare name on PATH.
func (s *Subject) Program(argv []string) (string, error) {
	prog := argv[0]
	if strings.ContainsRune(prog, '/') {
		if !filepath.IsAbs(prog) {
			prog = filepath.Join(s.Dir, prog)
		}
		fi, err := os.Stat(prog)
		switch {
		case err != nil:
			return "", err
		case fi.IsDir():
			return "", fmt.Errorf("%s is a directory", prog)
		case fi.Mode().Perm()&0o111 == 0:
			return "", fmt.Errorf("%s is not executable", prog)
		}
		return prog, nil
	}
	return exec.LookPath(prog)
}

// Check finds the program of every command and the directory, so that a
// subject that was not built or installed fails before anything is
// measured: an infrastructure error (exit 3) naming the field.
func (s *Subject) Check() error {
	fi, err := os.Stat(s.Dir)
	if err != nil || !fi.IsDir() {
		return exitcode.InfraError("subject %s: dir %s is not a directory (dir is relative to the subject file)", s.Name, s.Dir)
	}
	cmds := []struct {
		field string
		argv  []string
	}{{"version", s.Version}, {"serve.command", s.Serve.Command}}
	if s.Analyze != nil {
		cmds = append(cmds, struct {
			field string
			argv  []string
		}{"analyze.command", s.Analyze.Command})
	}
	if s.Database != nil {
		cmds = append(cmds, struct {
			field string
			argv  []string
		}{"database.command", s.Database.Command})
	}
	for _, c := range cmds {
		if c.argv == nil {
			continue
		}
		if _, err := s.Program(c.argv); err != nil {
			return exitcode.InfraError("subject %s: %s: program %q: %v; build or install the subject first (its make target)", s.Name, c.field, c.argv[0], err)
		}
	}
	return nil
}

// Environ is the subject's env as KEY=VALUE pairs, sorted.
func (s *Subject) Environ() []string {
	out := make([]string, 0, len(s.Env))
	for k, v := range s.Env {
		out = append(out, k+"="+v)
	}
	sortStrings(out)
	return out
}
