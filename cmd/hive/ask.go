package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"strings"
	"time"

	"github.com/hiveperf/hive/engine/consensus"
	"github.com/hiveperf/hive/engine/store"
	"github.com/hiveperf/hive/internal/cli"
	"github.com/hiveperf/hive/internal/exitcode"
	"github.com/hiveperf/hive/internal/texttable"
)

func init() {
	app.Register(cli.Command{Name: "ask", Summary: "ask a question through the four-stage consensus pipeline", Run: runAsk})
}

func runAsk(ctx context.Context, env *cli.Env, args []string) error {
	fs := cli.FlagSet(env, "hive", "ask")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: hive ask [flags] \"question\"\n\nRun the question through Generator → Refiner → Validator → Curator (or one\nstage with --profile direct), streaming each stage, then print a table of\nmodels, time to first token, latency, tokens and cost per stage.\nNeeds OPENROUTER_API_KEY, or HIVE_LLM_BASE_URL / --llm-base-url for another\nOpenAI-compatible server.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	profile := fs.String("profile", "", "`profile`: speed, balanced, elite, cost, direct or one from your config (default balanced)")
	noStream := fs.Bool("no-stream", false, "print only the final answer, not each stage as it streams")
	asJSON := fs.Bool("json", false, "print the run as JSON (the POST /v1/consensus response) instead of text")
	noCache := fs.Bool("no-cache", false, "do not answer from the response cache")
	maxCost := fs.Float64("max-cost", 0, "stop before a stage once the run has cost this many `USD` (0: no cap)")
	context_ := fs.String("context", "", "background `text` the stages see before the question")
	dbPath := fs.String("db", "", "database `path` (default $HIVE_DB, else ~/.local/share/hive/hive.db)")
	baseURL := fs.String("llm-base-url", "", "OpenAI-compatible `URL` (default $HIVE_LLM_BASE_URL, else OpenRouter with $OPENROUTER_API_KEY)")
	configPath := fs.String("config", "", "profiles config `file` (default $HIVE_CONFIG, else ~/.config/hive/config.yaml if present)")
	pos, err := parseAskArgs(fs, args)
	if err != nil {
		return err
	}
	question := strings.TrimSpace(strings.Join(pos, " "))
	switch {
	case question == "":
		fs.Usage()
		return exitcode.UsageError("hive ask: no question given; usage: hive ask [flags] \"question\"")
	case *maxCost < 0 || math.IsNaN(*maxCost) || math.IsInf(*maxCost, 0):
		return exitcode.UsageError("hive ask: --max-cost %v: want 0 (no cap) or a positive USD amount such as 0.05", *maxCost)
	}

	client, err := newLLMClient(env, *baseURL)
	if err != nil {
		return err
	}
	cfg, err := loadProfiles(env, *configPath, "")
	if err != nil {
		return err
	}
	if _, err := cfg.Profile(*profile); err != nil {
		return err
	}
	path := *dbPath
	if path == "" {
		path = store.DefaultPath(env.Getenv)
	}
	st, err := store.Open(path)
	if err != nil {
		return err
	}
	defer st.Close()
	eng, err := consensus.New(cfg, client, consensus.WithStore(st))
	if err != nil {
		return err
	}
	defer eng.Close()

	out := bufio.NewWriter(env.Stdout)
	defer out.Flush()
	var onEvent consensus.EventHandler
	if !*noStream && !*asJSON {
		onEvent = streamStages(out)
	}
	res, runErr := eng.Run(ctx, consensus.Request{Question: question, Context: *context_, Profile: *profile,
		NoCache: *noCache, MaxCost: *maxCost}, onEvent)
	if res == nil {
		return runErr
	}
	if *asJSON {
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(res); err != nil {
			return err
		}
	} else {
		if *noStream && res.Final != "" {
			fmt.Fprintln(out, res.Final)
		}
		fmt.Fprintln(out)
		if err := askTable(out, res); err != nil {
			return err
		}
	}
	if err := out.Flush(); err != nil {
		return err
	}
	if res.RecordErr != nil {
		fmt.Fprintf(env.Stderr, "hive: warning: the run was not recorded: %v\n", res.RecordErr)
	}
	if res.Status == consensus.StatusBudget {
		fmt.Fprintf(env.Stderr, "hive: stopped by --max-cost %.6f USD after spending %.6f USD; the answer is the last completed stage's\n",
			*maxCost, res.Totals.Cost)
	}
	return runErr
}

// streamStages prints a header per stage and its tokens as they arrive.
// Each token is flushed: the point of streaming is to see it now.
func streamStages(w *bufio.Writer) consensus.EventHandler {
	return func(ev consensus.Event) {
		switch ev.Kind {
		case consensus.EventStageStarted:
			if ev.Index > 0 {
				w.WriteString("\n")
			}
			fmt.Fprintf(w, "── %s · %s ──\n", ev.Stage, ev.Model)
		case consensus.EventToken:
			w.WriteString(ev.Delta)
		case consensus.EventStageCompleted:
			w.WriteString("\n")
			if ev.Record.Status != consensus.StatusOK {
				fmt.Fprintf(w, "[%s %s: %s]\n", ev.Stage, ev.Record.Status, ev.Record.Error)
			}
		}
		w.Flush()
	}
}

// askTable renders one row per stage and the total.
func askTable(w io.Writer, res *consensus.Result) error {
	t := texttable.New("Stage", "Model", "Status", "TTFT", "Latency", "Tokens in", "Tokens out", "Cost").AlignRight(3, 4, 5, 6, 7)
	for _, s := range res.Stages {
		ttft, lat := "-", "-"
		if s.TTFT > 0 {
			ttft = fmtDuration(s.TTFT)
		}
		if s.Latency > 0 {
			lat = fmtDuration(s.Latency)
		}
		cost := fmtUSD(s.Cost)
		if s.CostEstimated {
			cost = "~" + cost
		}
		t.Row(s.Stage, s.Model, s.Status, ttft, lat, fmt.Sprint(s.PromptTokens), fmt.Sprint(s.CompletionTokens), cost)
	}
	status := res.Status
	if res.Cached {
		status = "cached"
	}
	t.Footer("total", fmt.Sprintf("conversation %d", res.ConversationID), status, "",
		fmtDuration(res.Wall), fmt.Sprint(res.Totals.PromptTokens), fmt.Sprint(res.Totals.CompletionTokens), fmtUSD(res.Totals.Cost))
	if err := t.Render(w); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "engine overhead %s (wall %s − upstream %s)\n", fmtDuration(res.Overhead), fmtDuration(res.Wall), fmtDuration(res.Upstream))
	return err
}

func fmtDuration(d time.Duration) string {
	switch {
	case d < time.Millisecond:
		return fmt.Sprintf("%.0f µs", float64(d)/float64(time.Microsecond))
	case d < time.Second:
		return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond))
	default:
		return fmt.Sprintf("%.2f s", d.Seconds())
	}
}

func fmtUSD(v float64) string { return fmt.Sprintf("$%.6f", v) }

// parseAskArgs lets flags follow the question (hive ask "why?" --profile
// speed), which the flag package alone stops parsing at. Everything after
// "--" is question text.
func parseAskArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := cli.ParseFlags(fs, args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if used := len(args) - len(rest); used > 0 && args[used-1] == "--" {
			return append(pos, rest...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}
