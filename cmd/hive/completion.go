package main

import "github.com/hiveperf/hive/internal/cli"

func init() { app.Register(cli.CompletionCommand(app)) }
