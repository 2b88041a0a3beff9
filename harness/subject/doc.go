// Package subject is the subject file: how hivebench's probes drive an
// implementation that is not hive (`hivebench run --subject FILE`), so that
// it is measured with the same probes, the same samples and the same mock
// LLM as hive, and the two results files compare metric by metric.
//
// A subject file is YAML with exactly these fields (an unknown field is an
// error naming it; every error names the file and the field):
//
//	name: typescript                  # required: letters, digits, - _ . (the label of reports)
//	description: the TypeScript reference implementation
//	dir: .                            # working directory of every command, relative to this file (default: its directory)
//	env: {NODE_ENV: production}       # added to every command's environment
//	version: [node, dist/version.js]  # optional: timed exec → exit, as startup.version
//	serve:                            # startup, memory (and consensus, which talks to it)
//	  command: [node, dist/server.js, --port, "{port}", --db, "{db}"]
//	  health: /healthz                # GET until the first 200 (default /healthz)
//	  llm_env: TS_LLM_BASE_URL        # the variable that gets the mock LLM's base URL (http://127.0.0.1:P/v1)
//	analyze:                          # parsing, memory.analyze_peak_rss
//	  command: [node, dist/analyze.js, --db, "{db}", --files-out, "{files_out}", "{workload}"]
//	  files: json:files               # the analysed-file count in stdout: json:FIELD or regex:RE (one group)
//	  bytes: json:bytes               # optional, same forms: the analysed bytes (parsing.mb_per_sec)
//	  per_file: true                  # {files_out} gets one JSON line per file with latency_us and bytes
//	consensus:                        # consensus, memory.serve_peak_rss
//	  api: hive                       # hive: POST /v1/consensus answers as hive does; openai: POST /v1/chat/completions
//	  path: /v1/consensus             # default per api
//	  model: balanced                 # openai only: the model field sent
//	  cache: true                     # hive only: a repeated question is answered from a cache ("cached": true)
//	  conversation: /v1/conversations/{id}  # hive only, optional: GET it to check an answered run was recorded
//	database:                         # database
//	  command: [node, dist/dbbench.js, --db, "{db}", --ops, "{ops}"]
//	  ops: [insert_message, cache_get]  # default: the seven operations of `hive db bench`
//
// Placeholders are replaced in command arguments: {port} (a free loopback
// port the harness picked; the server must listen on 127.0.0.1:{port}),
// {db} (a scratch SQLite file), {llm} (the mock LLM's base URL), {workload}
// (the tree to analyse), {files_out} (a scratch NDJSON file) and {ops}
// (operations per kind). Each command accepts only its own; serve needs
// {port}, analyze {workload} (and {files_out} with per_file), database
// {db} and {ops}.
//
// # What the probes ask of a subject
//
// The measurements are the ones hive gets (go doc harness/probe), so the
// subject must do the same work:
//
//   - serve.command is the server process itself (no `npm start`, `sh -c`
//     or other wrapper): its RSS and CPU are read from its PID, and a
//     server with child processes is refused rather than half measured.
//     It answers GET {health} with 200 once ready and stops on SIGTERM.
//   - analyze.command analyses every source file under {workload} with no
//     cache, and prints the count (and optionally the bytes) it analysed.
//     With per_file, each line of {files_out} is a JSON object with
//     "latency_us" (that file's time inside the process, as hive's
//     --files-out) and "bytes"; lines with "skipped" or "error" set do not
//     count. Without per_file there is no parsing.per_file metric: wall
//     time divided by files is not a per-file latency, and parsing then
//     reports only throughput (files/s, MB/s) and wall time, labelled as
//     what they are.
//   - consensus with api hive answers POST {path} {"question", "profile",
//     "no_cache"} with hive's ResultJSON fields "status" ("ok"), "cached",
//     "overhead_ms", "upstream_ms" and "conversation_id"; overhead_ms is
//     the subject's own account (wall − time waiting on upstream). With api
//     openai only what the harness can time from outside is reported
//     (consensus.e2e, consensus.c100_serve_cpu).
//   - database.command prints {"ops": {NAME: [sample, …]}, "unit": "ns"}
//     with exactly {ops} samples per operation, timed inside the process
//     as `hive db bench` times hive's store.
//
// Parse checks the file alone (fuzzed); Load also resolves dir; Check, at
// the start of a run, finds every command's program (a relative path
// against dir, a bare name on PATH) so that a missing build fails before
// anything is measured.
package subject
