// Command hivebench is the harness: it replays workloads against the hive
// engine, measures from outside, computes statistics against baselines and
// targets, and gates CI on regressions. Each subcommand lives in its own file
// and registers itself with app.
package main

import "github.com/hiveperf/hive/internal/cli"

var app = &cli.App{Name: "hivebench", Summary: "benchmark harness and regression gate for hive"}

func main() { app.Main() }
