package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// docMention is `hive CMD …` or `hivebench CMD …` up to the end of a code
// span or line: the flags written after it must be flags of that command.
var docMention = regexp.MustCompile("\\b(hivebench|hive)\\s+([a-z][a-z-]*)([^`\\n]*)")

var docFlag = regexp.MustCompile(`(?:^|[^\w-])--([a-z][\w-]*)`)

// The README, the guides and the CI examples spell every flag as the
// commands' help does, so a reader who copies one gets no "flag provided
// but not defined".
func TestDocsSpellFlagsAsTheHelpDoes(t *testing.T) {
	root := filepath.Join("..", "..")
	files := []string{"README.md", "Makefile", "baselines/README.md", "workloads/README.md"}
	for _, pattern := range []string{"docs/*.md", "ci/*.sh", "ci/*/*.yml", "ci/*/*.yaml"} {
		m, err := filepath.Glob(filepath.Join(root, pattern))
		require.NoError(t, err)
		for _, p := range m {
			rel, _ := filepath.Rel(root, p)
			files = append(files, rel)
		}
	}
	help := map[string]string{}
	helpOf := func(bin string, cmd []string) string {
		key := bin + " " + strings.Join(cmd, " ")
		if h, ok := help[key]; ok {
			return h
		}
		args := append(append([]string{}, cmd...), "-h")
		var out string
		if bin == "hivebench" {
			out, _, _ = run(t, args...)
		} else {
			b, _ := exec.Command(hiveBin, args...).Output()
			out = string(b)
		}
		help[key] = out
		return out
	}
	groups := map[string]bool{}
	commands := map[string]map[string]bool{"hivebench": {}, "hive": {}}
	for _, c := range app.Commands() {
		commands["hivebench"][c.Name] = true
		for _, s := range c.Subcommands {
			groups["hivebench "+c.Name+" "+s.Name] = true
		}
	}
	hiveList, err := exec.Command(hiveBin, "-h").Output()
	require.NoError(t, err)
	for _, m := range regexp.MustCompile(`(?m)^  ([a-z-]+)  `).FindAllStringSubmatch(string(hiveList), -1) {
		commands["hive"][m[1]] = true
	}
	groups["hive db path"], groups["hive db stats"], groups["hive db bench"] = true, true, true
	groups["hive db migrate"], groups["hive db check"], groups["hive db vacuum"] = true, true, true

	checked := 0
	for _, f := range files {
		data, err := os.ReadFile(filepath.Join(root, f))
		if os.IsNotExist(err) {
			continue
		}
		require.NoError(t, err)
		for i, line := range strings.Split(string(data), "\n") {
			for _, m := range docMention.FindAllStringSubmatch(line, -1) {
				bin, cmd, rest := m[1], m[2], m[3]
				if !commands[bin][cmd] {
					continue
				}
				path := []string{cmd}
				if fields := strings.Fields(rest); len(fields) > 0 {
					sub := strings.Split(fields[0], `\|`)[0]
					if groups[bin+" "+cmd+" "+sub] {
						path = append(path, sub)
					}
				}
				h := helpOf(bin, path)
				for _, fm := range docFlag.FindAllStringSubmatch(rest, -1) {
					checked++
					defined := regexp.MustCompile(`\n  -` + regexp.QuoteMeta(fm[1]) + `[ \n]`).MatchString(h)
					assert.True(t, defined, "%s:%d: %s %s --%s is not a flag of that command", f, i+1, bin, strings.Join(path, " "), fm[1])
				}
			}
		}
	}
	assert.Greater(t, checked, 50, "the docs mention flags; the pattern must have found them")
}
