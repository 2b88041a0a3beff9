// Package githubci holds the GitHub Actions examples (the *.yml files
// beside this one) to what they promise: actionlint (v1.7.12, pinned in
// ci/go.mod) finds nothing in any of them, every step has the token
// permissions it needs, and the steps that need to write run only where
// the token can. ci/module-test.sh runs these tests in `make test`.
package githubci

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/rhysd/actionlint"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// workflows returns every workflow in this directory, so that one added
// later is checked without a change here.
func workflows(t *testing.T) []string {
	t.Helper()
	var paths []string
	for _, pat := range []string{"*.yml", "*.yaml"} {
		m, err := filepath.Glob(pat)
		require.NoError(t, err)
		paths = append(paths, m...)
	}
	sort.Strings(paths)
	require.NotEmpty(t, paths, "no workflow in ci/github: nothing would be checked")
	return paths
}

func TestActionlint(t *testing.T) {
	opts := &actionlint.LinterOptions{Oneline: true}
	// actionlint hands run: scripts to shellcheck when it is installed;
	// without it the workflow syntax, expressions, contexts and the
	// inputs of known actions are still checked.
	if sc, err := exec.LookPath("shellcheck"); err == nil {
		opts.Shellcheck = sc
	} else {
		t.Log("shellcheck is not installed: run: scripts are not checked by it")
	}
	var out bytes.Buffer
	opts.LogWriter = &out
	l, err := actionlint.NewLinter(&out, opts)
	require.NoError(t, err)
	paths := workflows(t)
	errs, err := l.LintFiles(paths, nil)
	require.NoError(t, err)
	assert.Empty(t, errs, "actionlint over %s:\n%s", strings.Join(paths, ", "), out.String())
}

// level orders permission values.
var level = map[string]int{"none": 0, "read": 1, "write": 2}

// need is a permission a step requires: scope at level (read or write).
type need struct{ scope, level string }

func (n need) String() string { return n.scope + ": " + n.level }

// actionNeeds are the token permissions of the actions these workflows
// use. An action missing here fails the test: what it needs must be
// looked up and written down, not assumed.
var actionNeeds = map[string][]need{
	"actions/checkout":             {{"contents", "read"}},
	"actions/setup-go":             nil,
	"actions/setup-node":           nil,
	"actions/cache":                nil,
	"actions/upload-artifact":      nil, // the runtime's own token, not GITHUB_TOKEN
	"actions/download-artifact":    nil, // the same run's artifacts
	"mikepenz/action-junit-report": {{"checks", "write"}},
}

// runNeeds are the token permissions of what a run: script does with gh.
var runNeeds = []struct {
	re    *regexp.Regexp
	needs []need
}{
	{regexp.MustCompile(`\bgh\s+pr\s+comment\b`), []need{{"pull-requests", "write"}}},
	{regexp.MustCompile(`\bgh\s+api\b[^\n]*--method\s+(PATCH|POST)[^\n]*issues/comments`), []need{{"pull-requests", "write"}}},
	{regexp.MustCompile(`\bgh\s+api\b[^\n]*issues/[^/\s]+/comments`), []need{{"pull-requests", "read"}}},
}

// ghUse finds any gh command, so that one runNeeds does not know fails.
var ghUse = regexp.MustCompile(`(^|[\s;&|(])gh\s+\S+`)

// writeGuard is how a step says it runs only where the token can write:
// a pull request from a fork (or Dependabot's) has a read-only token.
const writeGuard = "env.CAN_WRITE == 'true'"

// stepNeeds returns what step s needs, or an error when it does something
// this test cannot tell the needs of.
func stepNeeds(s *actionlint.Step) ([]need, error) {
	switch e := s.Exec.(type) {
	case *actionlint.ExecAction:
		uses := e.Uses.Value
		name, _, _ := strings.Cut(uses, "@")
		ns, ok := actionNeeds[name]
		if !ok {
			return nil, fmt.Errorf("uses %s, whose token permissions this test does not know: add it to actionNeeds", uses)
		}
		return ns, nil
	case *actionlint.ExecRun:
		// Line by line: every line that runs gh must be one whose
		// needs are known.
		var ns []need
		for _, line := range strings.Split(e.Run.Value, "\n") {
			use := ghUse.FindString(line)
			if use == "" {
				continue
			}
			known := false
			for _, r := range runNeeds {
				if r.re.MatchString(line) {
					ns = append(ns, r.needs...)
					known = true
				}
			}
			if !known {
				return nil, fmt.Errorf("runs %q, whose token permissions this test does not know: add it to runNeeds", strings.TrimSpace(use))
			}
		}
		return ns, nil
	}
	return nil, fmt.Errorf("a step of kind %T", s.Exec)
}

// granted is the permission a job's token has for scope: the job's
// permissions if it sets any, else the workflow's.
func granted(wf *actionlint.Workflow, job *actionlint.Job, scope string) (string, bool) {
	p := wf.Permissions
	if job.Permissions != nil {
		p = job.Permissions
	}
	if p == nil {
		return "", false // the repository's default: not this file's to rely on
	}
	if p.All != nil {
		switch p.All.Value {
		case "write-all":
			return "write", true
		case "read-all":
			return "read", true
		}
		return "none", true
	}
	if s, ok := p.Scopes[scope]; ok {
		return s.Value.Value, true
	}
	return "none", true
}

func stepName(s *actionlint.Step, i int) string {
	if s.Name != nil {
		return s.Name.Value
	}
	if a, ok := s.Exec.(*actionlint.ExecAction); ok {
		return a.Uses.Value
	}
	return fmt.Sprintf("step %d", i+1)
}

// checkPermissions returns one line per problem of the workflow src: a
// step whose needed permission the token lacks, a step that writes
// without the fork guard, a step this test cannot judge.
func checkPermissions(src []byte) ([]string, error) {
	wf, errs := actionlint.Parse(src)
	if len(errs) > 0 {
		return nil, fmt.Errorf("parsing: %v", errs[0])
	}
	var problems []string
	if wf.Permissions == nil {
		problems = append(problems, "the workflow sets no permissions: the token would have the repository's default")
	}
	var jobs []string
	for id := range wf.Jobs {
		jobs = append(jobs, id)
	}
	sort.Strings(jobs)
	for _, id := range jobs {
		job := wf.Jobs[id]
		for i, s := range job.Steps {
			where := fmt.Sprintf("job %s, step %q", id, stepName(s, i))
			ns, err := stepNeeds(s)
			if err != nil {
				problems = append(problems, where+": "+err.Error())
				continue
			}
			writes := false
			for _, n := range ns {
				got, ok := granted(wf, job, n.scope)
				if !ok {
					problems = append(problems, fmt.Sprintf("%s needs %s; the job's permissions are not set", where, n))
				} else if level[got] < level[n.level] {
					problems = append(problems, fmt.Sprintf("%s needs %s; the token has %s: %s", where, n, n.scope, got))
				}
				writes = writes || n.level == "write"
			}
			if writes && (s.If == nil || !strings.Contains(s.If.Value, writeGuard)) {
				problems = append(problems, fmt.Sprintf("%s writes with the token, so its if: must hold %q (a fork's token is read-only)", where, writeGuard))
			}
		}
	}
	return problems, nil
}

func TestWorkflowPermissions(t *testing.T) {
	for _, p := range workflows(t) {
		t.Run(p, func(t *testing.T) {
			src, err := os.ReadFile(p)
			require.NoError(t, err)
			problems, err := checkPermissions(src)
			require.NoError(t, err)
			assert.Empty(t, problems)
		})
	}
}

// TestWorkflowPermissionsCatchAMissingOne: the check above would fail if
// hive-gate.yml lost a permission one of its steps needs, or a write
// step lost its fork guard.
func TestWorkflowPermissionsCatchAMissingOne(t *testing.T) {
	orig, err := os.ReadFile("hive-gate.yml")
	require.NoError(t, err)
	cases := []struct {
		name, old, new, want string
	}{
		{"no checks: write", "  checks: write ", "  checks: read ", `step "Test report" needs checks: write; the token has checks: read`},
		{"checks not named", "  checks: write ", "  # checks: write ", `step "Test report" needs checks: write; the token has checks: none`},
		{"no pull-requests: write", "  pull-requests: write ", "  pull-requests: read ", `step "Sticky comment on the pull request" needs pull-requests: write; the token has pull-requests: read`},
		{"no contents: read", "  contents: read ", "  contents: none ", `step "actions/checkout@v4" needs contents: read; the token has contents: none`},
		{"the job narrows the permissions", "    timeout-minutes: 30\n", "    timeout-minutes: 30\n    permissions:\n      contents: read\n", `step "Test report" needs checks: write; the token has checks: none`},
		{"no permissions at all", "permissions:\n  contents: read        # actions/checkout\n  pull-requests: write  # the sticky comment\n  checks: write         # mikepenz/action-junit-report creates a check run\n", "", "the workflow sets no permissions"},
		{"comment without the fork guard", "if: always() && env.CAN_WRITE == 'true' && hashFiles('gate-out/gate.md') != ''", "if: always() && hashFiles('gate-out/gate.md') != ''", `step "Sticky comment on the pull request" writes with the token`},
		{"an action nobody looked up", "uses: actions/setup-go@v5", "uses: example/unknown-action@v1", "uses example/unknown-action@v1, whose token permissions this test does not know"},
		{"a gh command nobody looked up", "gh pr comment \"$PR\"", "gh release create \"$PR\"", `runs "gh release"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			require.Contains(t, string(orig), c.old, "hive-gate.yml changed: update this case")
			src := strings.Replace(string(orig), c.old, c.new, 1)
			problems, err := checkPermissions([]byte(src))
			require.NoError(t, err)
			assert.Contains(t, strings.Join(problems, "\n"), c.want)
		})
	}
}

// TestGateWorkflowPromises: the gate workflow of issue 19 — the summary
// on the run's page always, a sticky marked comment rather than gh's
// --edit-last, a concurrency group that cancels a superseded run, and
// the reports ci/gate.sh writes.
func TestGateWorkflowPromises(t *testing.T) {
	src, err := os.ReadFile("hive-gate.yml")
	require.NoError(t, err)
	wf, errs := actionlint.Parse(src)
	require.Empty(t, errs)
	require.NotNil(t, wf.Concurrency, "a concurrency group")
	assert.Contains(t, wf.Concurrency.Group.Value, "github.event.pull_request.number")
	require.NotNil(t, wf.Concurrency.CancelInProgress)
	assert.True(t, wf.Concurrency.CancelInProgress.Value, "a new push cancels the superseded run")
	assert.NotContains(t, string(src), "--edit-last", "gh's --edit-last edits the last comment of the token's user, whichever workflow wrote it")

	job := wf.Jobs["gate"]
	require.NotNil(t, job)
	byName := map[string]*actionlint.Step{}
	for _, s := range job.Steps {
		if s.Name != nil {
			byName[s.Name.Value] = s
		}
	}
	summary := byName["Summary on the run's page"]
	require.NotNil(t, summary)
	assert.Equal(t, "always()", summary.If.Value)
	assert.Contains(t, summary.Exec.(*actionlint.ExecRun).Run.Value, `>> "$GITHUB_STEP_SUMMARY"`)
	comment := byName["Sticky comment on the pull request"]
	require.NotNil(t, comment)
	assert.Contains(t, comment.Exec.(*actionlint.ExecRun).Run.Value, "<!-- hive-gate: $WORKFLOW -->", "the comment carries this workflow's marker")
	fail := byName["Fail on regression"]
	require.NotNil(t, fail)
	assert.Contains(t, fail.Exec.(*actionlint.ExecRun).Run.Value, `exit "$CODE"`, "the gate's exit code decides the job")

	// The files the workflow reads are the ones ci/gate.sh writes.
	gate, err := os.ReadFile(filepath.Join("..", "gate.sh"))
	require.NoError(t, err)
	for _, f := range []string{"gate.md", "gate.junit.xml", "report.html"} {
		assert.Contains(t, string(gate), `"$out_dir/`+f+`"`, "ci/gate.sh writes %s", f)
		assert.Contains(t, string(src), "gate-out/"+f)
	}
	assert.Contains(t, string(src), "ci/gate.sh \"origin/$BASE_REF\" HEAD gate-out")
}
