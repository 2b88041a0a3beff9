// Package gitlabci checks the structure of the GitLab CI examples (the
// *.yml files beside this one), which no linter here can run: GitLab's
// own check needs a GitLab server. Each file must be YAML whose top-level
// keys are GitLab's global keywords or jobs, each job's keys GitLab's job
// keywords, each job runnable (a script), and a job that runs ci/gate.sh
// must keep the reports it writes, the JUnit report included, even when
// the gate fails. ci/module-test.sh runs these tests in `make test`.
package gitlabci

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"
)

// globalKeys are GitLab CI's top-level keywords that are not jobs.
var globalKeys = map[string]bool{
	"default": true, "include": true, "stages": true, "variables": true, "workflow": true,
	// Deprecated globals GitLab still reads (as defaults for every job).
	"image": true, "services": true, "cache": true, "before_script": true, "after_script": true,
}

// jobKeys are GitLab CI's job keywords: a key outside them is a typo that
// GitLab would refuse the whole pipeline for.
var jobKeys = map[string]bool{
	"after_script": true, "allow_failure": true, "artifacts": true, "before_script": true, "cache": true,
	"coverage": true, "dast_configuration": true, "dependencies": true, "environment": true, "extends": true,
	"hooks": true, "id_tokens": true, "identity": true, "image": true, "inherit": true, "interruptible": true,
	"manual_confirmation": true, "needs": true, "only": true, "except": true, "pages": true, "parallel": true,
	"release": true, "resource_group": true, "retry": true, "rules": true, "run": true, "script": true,
	"secrets": true, "services": true, "stage": true, "tags": true, "timeout": true, "trigger": true,
	"variables": true, "when": true,
}

// gateRun finds a job's call of ci/gate.sh and its output directory.
var gateRun = regexp.MustCompile(`ci/gate\.sh\s+\S+\s+\S+\s+(\S+)`)

type job struct {
	Image     any              `yaml:"image"`
	Script    []string         `yaml:"script"`
	Rules     []map[string]any `yaml:"rules"`
	Artifacts struct {
		When    string   `yaml:"when"`
		Paths   []string `yaml:"paths"`
		Reports struct {
			JUnit any `yaml:"junit"`
		} `yaml:"reports"`
	} `yaml:"artifacts"`
}

func examples(t *testing.T) []string {
	t.Helper()
	var paths []string
	for _, pat := range []string{"*.yml", "*.yaml"} {
		m, err := filepath.Glob(pat)
		require.NoError(t, err)
		paths = append(paths, m...)
	}
	sort.Strings(paths)
	require.NotEmpty(t, paths, "no GitLab example in ci/gitlab: nothing would be checked")
	return paths
}

// checkFile returns the problems of one GitLab CI file.
func checkFile(src []byte) ([]string, error) {
	var top map[string]yaml.Node
	if err := yaml.Unmarshal(src, &top); err != nil {
		return nil, err
	}
	var problems []string
	var names []string
	for k := range top {
		names = append(names, k)
	}
	sort.Strings(names)
	jobs := 0
	for _, name := range names {
		if globalKeys[name] || strings.HasPrefix(name, ".") { // hidden jobs are templates
			continue
		}
		jobs++
		node := top[name]
		if node.Kind != yaml.MappingNode {
			problems = append(problems, "job "+name+": not a mapping")
			continue
		}
		var keys map[string]any
		if err := node.Decode(&keys); err != nil {
			return nil, err
		}
		for k := range keys {
			if !jobKeys[k] {
				problems = append(problems, "job "+name+": unknown keyword "+k)
			}
		}
		var j job
		if err := node.Decode(&j); err != nil {
			problems = append(problems, "job "+name+": "+err.Error())
			continue
		}
		_, triggers := keys["trigger"]
		_, extends := keys["extends"]
		if len(j.Script) == 0 && !triggers && !extends {
			problems = append(problems, "job "+name+": no script")
		}
		for _, line := range j.Script {
			m := gateRun.FindStringSubmatch(line)
			if m == nil {
				continue
			}
			problems = append(problems, checkGateJob(name, m[1], j)...)
		}
	}
	if jobs == 0 {
		problems = append(problems, "no job")
	}
	return problems, nil
}

// checkGateJob: a job running ci/gate.sh into out keeps its reports, the
// failing gate's above all.
func checkGateJob(name, out string, j job) []string {
	var problems []string
	if j.Artifacts.When != "always" {
		problems = append(problems, "job "+name+": artifacts:when is "+q(j.Artifacts.When)+"; a failed gate's reports are kept only with always")
	}
	junit, _ := j.Artifacts.Reports.JUnit.(string)
	if junit != out+"/gate.junit.xml" {
		problems = append(problems, "job "+name+": artifacts:reports:junit is "+q(junit)+"; ci/gate.sh writes "+out+"/gate.junit.xml")
	}
	for _, f := range []string{"gate.md", "report.html"} {
		found := false
		for _, p := range j.Artifacts.Paths {
			found = found || p == out+"/"+f || p == out || p == out+"/"
		}
		if !found {
			problems = append(problems, "job "+name+": artifacts:paths lacks "+out+"/"+f)
		}
	}
	if len(j.Rules) == 0 {
		problems = append(problems, "job "+name+": no rules: it would run on every pipeline, not only merge requests")
	}
	return problems
}

func q(s string) string { return `"` + s + `"` }

func TestGitLabExamples(t *testing.T) {
	for _, p := range examples(t) {
		t.Run(p, func(t *testing.T) {
			src, err := os.ReadFile(p)
			require.NoError(t, err)
			problems, err := checkFile(src)
			require.NoError(t, err, "not YAML")
			assert.Empty(t, problems)
		})
	}
}

// TestGitLabGateJob: hive-gate is a gate job (the checks above apply to
// it), and the files it keeps are those ci/gate.sh writes.
func TestGitLabGateJob(t *testing.T) {
	src, err := os.ReadFile("hive-gate.gitlab-ci.yml")
	require.NoError(t, err)
	var top map[string]job
	require.NoError(t, yaml.Unmarshal(src, &top))
	j, ok := top["hive-gate"]
	require.True(t, ok, "the job hive-gate")
	var out string
	for _, l := range j.Script {
		if m := gateRun.FindStringSubmatch(l); m != nil {
			out = m[1]
		}
	}
	require.Equal(t, "gate-out", out, "hive-gate runs ci/gate.sh into gate-out")
	assert.Contains(t, j.Rules[0]["if"], "merge_request_event")

	gate, err := os.ReadFile(filepath.Join("..", "gate.sh"))
	require.NoError(t, err)
	for _, f := range []string{"gate.md", "gate.junit.xml", "report.html"} {
		assert.Contains(t, string(gate), `"$out_dir/`+f+`"`, "ci/gate.sh writes %s", f)
	}
}

// TestGitLabChecksCatchMistakes: each mistake in a copy of hive-gate's
// file is found.
func TestGitLabChecksCatchMistakes(t *testing.T) {
	orig, err := os.ReadFile("hive-gate.gitlab-ci.yml")
	require.NoError(t, err)
	cases := []struct{ name, old, new, want string }{
		{"junit elsewhere", "junit: gate-out/gate.junit.xml", "junit: gate-out/junit.xml", "artifacts:reports:junit"},
		{"reports lost on failure", "    when: always\n", "    when: on_success\n", "artifacts:when"},
		{"a typo in a keyword", "  artifacts:\n", "  artifact:\n", "unknown keyword artifact"},
		{"no script", "  script:\n", "  x-script:\n", "no script"},
		{"no rules", "  rules:\n", "  x-rules:\n", "no rules"},
		{"html not kept", "      - gate-out/report.html\n", "", "lacks gate-out/report.html"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			require.Contains(t, string(orig), c.old, "hive-gate.gitlab-ci.yml changed: update this case")
			problems, err := checkFile([]byte(strings.Replace(string(orig), c.old, c.new, 1)))
			require.NoError(t, err)
			assert.Contains(t, strings.Join(problems, "\n"), c.want)
		})
	}
	_, err = checkFile([]byte("hive-gate:\n  script: [a\n"))
	assert.Error(t, err, "not YAML")
}
