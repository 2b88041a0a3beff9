package subject

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hiveperf/hive/internal/exitcode"
)

const full = `
name: typescript
description: the reference
dir: ts
env: {NODE_ENV: production}
version: [node, dist/version.js]
serve:
  command: [node, dist/server.js, --port, "{port}", --db, "{db}"]
  llm_env: TS_LLM_BASE_URL
analyze:
  command: [node, dist/analyze.js, --db, "{db}", --files-out, "{files_out}", "{workload}"]
  files: json:files
  bytes: regex:bytes=(\d+)
  per_file: true
consensus:
  api: hive
  cache: true
  conversation: /v1/conversations/{id}
database:
  command: [node, dist/dbbench.js, --db, "{db}", --ops, "{ops}"]
`

func TestParseFull(t *testing.T) {
	s, err := Parse([]byte(full), "t.yaml")
	require.NoError(t, err)
	assert.Equal(t, "typescript", s.Name)
	assert.Equal(t, "/healthz", s.Serve.Health, "default health path")
	assert.Equal(t, "/v1/consensus", s.Consensus.Path, "default path of api hive")
	assert.Equal(t, DefaultOps, s.Database.Ops, "default operations")
	assert.Equal(t, []string{"NODE_ENV=production"}, s.Environ())
	assert.Len(t, s.SHA256, 64)
	for _, fam := range []string{"startup", "memory", "parsing", "consensus", "database"} {
		ok, _ := s.Supports(fam)
		assert.True(t, ok, fam)
	}
}

func TestParseErrorsNameTheField(t *testing.T) {
	serve := "serve: {command: [srv, --port, \"{port}\"]}\n"
	cases := []struct {
		name, doc, want string
	}{
		{"empty", "", "the file is empty"},
		{"unknown field", "name: x\nserv: {}\n", "field serv not found"},
		{"no name", serve, `name ""`},
		{"bad name", "name: a b\n" + serve, `name "a b"`},
		{"hive", "name: hive\n" + serve, `name "hive" is hive's own`},
		{"no serve", "name: x\n", "serve is missing"},
		{"empty serve command", "name: x\nserve: {command: []}\n", "serve.command is empty"},
		{"serve without port", "name: x\nserve: {command: [srv]}\n", "serve.command needs {port}"},
		{"port in program", "name: x\nserve: {command: [\"{port}\"]}\n", "serve.command[0]"},
		{"unknown placeholder", "name: x\nserve: {command: [srv, \"{port}\", \"{workload}\"]}\n", "serve.command[2] \"{workload}\": unknown placeholder {workload}"},
		{"bad health", "name: x\nserve: {command: [srv, \"{port}\"], health: healthz}\n", "serve.health"},
		{"bad llm_env", "name: x\nserve: {command: [srv, \"{port}\"], llm_env: 1X}\n", "serve.llm_env"},
		{"bad env", "name: x\nenv: {\"A-B\": 1}\n" + serve, `env: "A-B"`},
		{"bad version", "name: x\nversion: []\n" + serve, "version is empty"},
		{"version placeholder", "name: x\nversion: [v, \"{port}\"]\n" + serve, "version[1]"},
		{"analyze without workload", "name: x\n" + serve + "analyze: {command: [a], files: json:files}\n", "analyze.command needs {workload}"},
		{"per_file without files_out", "name: x\n" + serve + "analyze: {command: [a, \"{workload}\"], files: json:files, per_file: true}\n", "analyze.command needs {files_out}"},
		{"files_out without per_file", "name: x\n" + serve + "analyze: {command: [a, \"{workload}\", \"{files_out}\"], files: json:files}\n", "per_file is false"},
		{"no files spec", "name: x\n" + serve + "analyze: {command: [a, \"{workload}\"]}\n", "analyze.files is missing"},
		{"bad files kind", "name: x\n" + serve + "analyze: {command: [a, \"{workload}\"], files: xml:files}\n", `analyze.files "xml:files": unknown kind`},
		{"bad regex", "name: x\n" + serve + "analyze: {command: [a, \"{workload}\"], files: \"regex:(\"}\n", "analyze.files"},
		{"regex groups", "name: x\n" + serve + "analyze: {command: [a, \"{workload}\"], files: \"regex:(a)(b)\"}\n", "2 capture groups"},
		{"bytes spec", "name: x\n" + serve + "analyze: {command: [a, \"{workload}\"], files: json:f, bytes: \"json:\"}\n", "analyze.bytes"},
		{"files not string", "name: x\n" + serve + "analyze: {command: [a, \"{workload}\"], files: [1]}\n", "want a string json:FIELD"},
		{"consensus without llm_env", "name: x\n" + serve + "consensus: {api: hive}\n", "serve.llm_env is empty"},
		{"consensus api", "name: x\nserve: {command: [s, \"{port}\"], llm_env: L}\nconsensus: {api: grpc}\n", `consensus.api "grpc"`},
		{"consensus no api", "name: x\nserve: {command: [s, \"{port}\"], llm_env: L}\nconsensus: {cache: true}\n", "consensus.api is missing"},
		{"openai model", "name: x\nserve: {command: [s, \"{port}\"], llm_env: L}\nconsensus: {api: openai}\n", "consensus.model is empty"},
		{"openai cache", "name: x\nserve: {command: [s, \"{port}\"], llm_env: L}\nconsensus: {api: openai, model: m, cache: true}\n", "consensus.cache and consensus.conversation are for api hive"},
		{"hive model", "name: x\nserve: {command: [s, \"{port}\"], llm_env: L}\nconsensus: {api: hive, model: m}\n", "consensus.model is for api openai"},
		{"conversation id", "name: x\nserve: {command: [s, \"{port}\"], llm_env: L}\nconsensus: {api: hive, conversation: /v1/c}\n", "consensus.conversation"},
		{"bad path", "name: x\nserve: {command: [s, \"{port}\"], llm_env: L}\nconsensus: {api: hive, path: v1}\n", "consensus.path"},
		{"database without ops", "name: x\n" + serve + "database: {command: [d, \"{db}\"]}\n", "database.command needs {ops}"},
		{"database bad op", "name: x\n" + serve + "database: {command: [d, \"{db}\", \"{ops}\"], ops: [Insert]}\n", `database.ops[0] "Insert"`},
		{"database twice", "name: x\n" + serve + "database: {command: [d, \"{db}\", \"{ops}\"], ops: [a, a]}\n", `database.ops[1] "a" is listed twice`},
		{"two documents", "name: x\n" + serve + "---\nname: y\n", "more than one YAML document"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse([]byte(c.doc), "s.yaml")
			require.Error(t, err)
			assert.Contains(t, err.Error(), "subject s.yaml: ")
			assert.Contains(t, err.Error(), c.want)
			assert.Equal(t, exitcode.Usage, exitcode.Code(err))
		})
	}
}

func TestSupportsNamesTheMissingSection(t *testing.T) {
	s, err := Parse([]byte("name: x\nserve: {command: [s, \"{port}\"]}\n"), "s.yaml")
	require.NoError(t, err)
	for fam, section := range map[string]string{"parsing": "analyze", "consensus": "consensus", "database": "database"} {
		ok, missing := s.Supports(fam)
		assert.False(t, ok, fam)
		assert.Equal(t, section, missing)
	}
	ok, _ := s.Supports("startup")
	assert.True(t, ok)
}

func TestExtractRead(t *testing.T) {
	cases := []struct {
		spec, stdout string
		want         float64
		err          string
	}{
		{"json:files", `{"files": 412, "bytes": 9}`, 412, ""},
		{"json:summary.files", `{"summary": {"files": 7}}`, 7, ""},
		{"regex:analysed (\\d+) files", "ok\nanalysed 31 files in 2s\n", 31, ""},
		{"json:files", `{"files": "412"}`, 0, "not a number"},
		{"json:files", `{"bytes": 1}`, 0, `no field "files"`},
		{"json:files", `not json`, 0, "not one JSON object"},
		{"json:a.b", `{"a": 3}`, 0, `no object at "b"`},
		{"json:files", `{"files": -1}`, 0, "not a count"},
		{"regex:files=(\\d+)", "nothing", 0, "no match"},
		{"regex:files=(\\S+)", "files=abc", 0, "not a number"},
	}
	for _, c := range cases {
		t.Run(c.spec+" "+c.stdout, func(t *testing.T) {
			e := Extract{Spec: c.spec}
			require.NoError(t, e.compile("f"))
			got, err := e.Read([]byte(c.stdout))
			if c.err != "" {
				assert.ErrorContains(t, err, c.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, c.want, got)
		})
	}
}

func TestExpand(t *testing.T) {
	got := Expand([]string{"srv", "--addr=127.0.0.1:{port}", "{db}", "{other}"}, map[string]string{Port: "8080", DB: "/tmp/x.db"})
	assert.Equal(t, []string{"srv", "--addr=127.0.0.1:8080", "/tmp/x.db", "{other}"}, got)
}

func TestLoadAndCheck(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "build", "srv")
	require.NoError(t, os.MkdirAll(filepath.Dir(bin), 0o755))
	path := filepath.Join(dir, "subject.yaml")
	require.NoError(t, os.WriteFile(path, []byte("name: x\ndir: build\nserve: {command: [./srv, \"{port}\"]}\n"), 0o644))

	s, err := Load(path)
	require.NoError(t, err)
	assert.Equal(t, filepath.Join(dir, "build"), s.Dir, "dir is relative to the file")
	err = s.Check()
	require.Error(t, err, "the program is not built yet")
	assert.Contains(t, err.Error(), "serve.command: program \"./srv\"")
	assert.Equal(t, exitcode.Infra, exitcode.Code(err))

	require.NoError(t, os.WriteFile(bin, []byte("#!/bin/sh\n"), 0o644))
	assert.ErrorContains(t, s.Check(), "not executable")
	require.NoError(t, os.Chmod(bin, 0o755))
	assert.NoError(t, s.Check())

	_, err = Load(filepath.Join(dir, "missing.yaml"))
	assert.Equal(t, exitcode.Usage, exitcode.Code(err))
}

// The subject file is outside input: any bytes give a subject that passed
// validation or a usage error naming the file, never a panic.
func FuzzParse(f *testing.F) {
	f.Add([]byte(full))
	f.Add([]byte("name: x\nserve: {command: [s, \"{port}\"]}\n"))
	f.Add([]byte("name: x\nserve: {command: [s, \"{port}\"], llm_env: L}\nconsensus: {api: openai, model: m}\n"))
	f.Add([]byte("name: x\nserve: {command: [s, \"{port}\"]}\nanalyze: {command: [a, \"{workload}\"], files: \"regex:(\\\\d+)\"}\n"))
	f.Add([]byte("{"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Parse(data, "fuzz.yaml")
		if err != nil {
			assert.Nil(t, s)
			assert.True(t, strings.HasPrefix(err.Error(), "subject fuzz.yaml: "), err.Error())
			assert.Equal(t, exitcode.Usage, exitcode.Code(err))
			return
		}
		require.NotNil(t, s.Serve)
		assert.True(t, validName(s.Name))
		assert.NotEqual(t, "hive", s.Name)
		ok, _ := s.Supports("startup")
		assert.True(t, ok)
		// Whatever was accepted expands without leaving a placeholder of
		// its own command set unreplaced.
		vars := map[string]string{Port: "1", DB: "d", LLM: "l", Workload: "w", FilesOut: "f", Ops: "2"}
		for _, a := range Expand(s.Serve.Command, vars)[1:] {
			for _, p := range []string{Port, DB, LLM} {
				assert.NotContains(t, a, p)
			}
		}
		if s.Analyze != nil {
			_, _ = s.Analyze.Files.Read([]byte(`{"files": 1}`))
		}
	})
}
