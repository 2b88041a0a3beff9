// Package reports renders hivebench results for people and for CI: one run
// with its target outcomes (Run — the run table of `hivebench run`), and a
// comparison of two runs (Comparison — []compare.Result with both files for
// identity, sample counts, noise and plots). WriteProfiles prints the
// profile summaries of `hivebench profile` (harness/profile) as text.
//
// Formats (ParseFormat, Formats):
//
//	table  terminal box table (olekukonko/tablewriter v1)
//	md     Markdown for a PR comment: regressions first, then the rest, then
//	       samples taken and noise seen
//	json   a versioned document ("kind": "run" | "comparison"); NaN is null
//	junit  JUnit XML, one test case per metric; a regression or a missed
//	       target is a <failure>, a target without a measurement an <error>
//	html   one self-contained page: the table plus, per metric, an inline
//	       SVG ECDF of the raw samples (base and head overlaid)
//	benchfmt the Go benchmark format (harness/gobench): one line per raw
//	       sample, read by benchstat; a comparison writes both runs with a
//	       "run" config key, for `benchstat -col run -table "" FILE`
//
// Use:
//
//	err := reports.WriteRun(os.Stdout, reports.Table, reports.Run{
//		File: f, Tier: "hive", Outcomes: targets.Check(hive, f),
//		Reference: targets.Check(typescript, f)})
//	err = reports.WriteComparison(w, reports.Markdown, reports.Comparison{
//		Base: base, Head: head, BaseLabel: "baseline main", Results: rs})
//
// WriteHistoryRuns, WriteHistorySeries and WriteHistoryTrends render the
// recorded history (harness/history) as `hivebench history` prints it.
//
// WriteFile renders into a file atomically; GateOutputs are the files a
// gate writes (both sides' results and the comparison as Markdown, JUnit
// XML and HTML). WriteGitHubAnnotations writes a comparison's JUnit
// failures and errors as GitHub Actions ::error commands, which `hivebench
// gate` prints on a GitHub runner.
//
// Values are printed with FormatValue (three significant digits, times and
// SI sizes rescaled). Every renderer has a golden file under testdata/;
// after an intended change run `go test -tags sqlite_fts5 ./reports -update`
// and review the diff.
package reports
