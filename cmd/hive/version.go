package main

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/hiveperf/hive/internal/buildinfo"
	"github.com/hiveperf/hive/internal/cli"
)

func init() {
	app.Register(cli.Command{Name: "version", Summary: "print version, commit and Go version", Run: runVersion})
}

func runVersion(ctx context.Context, env *cli.Env, args []string) error {
	fs := cli.FlagSet(env, "hive", "version")
	asJSON := fs.Bool("json", false, "print as JSON")
	if err := cli.ParseFlags(fs, args); err != nil {
		return err
	}
	info := buildinfo.Get()
	if *asJSON {
		return json.NewEncoder(env.Stdout).Encode(info)
	}
	_, err := fmt.Fprintln(env.Stdout, info.String())
	return err
}
