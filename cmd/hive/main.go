// Command hive is the engine: a four-stage LLM consensus pipeline, a
// tree-sitter source analyzer and a SQLite store. Each subcommand lives in
// its own file and registers itself with app.
package main

import (
	"github.com/hiveperf/hive/internal/cli"
	"github.com/hiveperf/hive/internal/profiling"
)

var app = &cli.App{
	Name:    "hive",
	Summary: "LLM consensus engine, source analyzer and store",
	// HIVE_CPUPROFILE, HIVE_FGPROF, ... profile any command (internal/profiling).
	Around: func(env *cli.Env) func() { return profiling.Start(env.Getenv, env.Stderr) },
}

func main() { app.Main() }
