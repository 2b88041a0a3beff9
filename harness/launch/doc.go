// Package launch starts the hive binary under test as a child of the
// harness, the one way every part of the harness does it.
//
//   - Env (env.go) is the environment of every hive child: the harness's
//     own minus the variables that would make a measurement depend on the
//     user's setup, with an empty config directory.
//   - Start (serve.go) execs `hive serve --addr 127.0.0.1:0`, reads its
//     stderr for the listening line (server.ListenLinePrefix, the constant
//     `hive serve` prints it with), polls GET /healthz until the first 200,
//     all within Config.ReadyTimeout of the exec, and returns a Server; Stop
//     sends SIGTERM, then SIGKILL after the grace period, and waits.
//
// Server.Ready − Server.Started is startup.serve: the span from just before
// fork/exec to the body of the first 200 from /healthz. Start does nothing
// inside that span but wait for the line and poll (proc.WaitHTTP), so the
// figure is the binary's, not the launcher's.
//
// A server that would not start (exited, never printed the line, printed
// an address off loopback, never answered 200) is an infrastructure error
// (exit code 3) that names the binary and quotes the last lines of its
// stderr. When ctx ends first, the error wraps context.Cause(ctx) instead:
// an interrupted run is not a broken binary. Processes run in their own
// process group and get SIGKILL if the harness dies (harness/probe/proc).
package launch
