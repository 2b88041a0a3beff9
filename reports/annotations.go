package reports

import (
	"fmt"
	"io"
	"strings"
)

// WriteGitHubAnnotations writes a comparison's problems as GitHub Actions
// workflow commands, which the runner turns into annotations on the run
// and the pull request: `::error` for each metric that regressed, missed a
// target or was not measured (what fails the gate, as in JUnit XML), and
// `::warning` for each metric passed over with --allow-missing and each of
// the comparison's warnings. They need no token permission, so a pull
// request from a fork gets them too. Nothing is written when there is
// nothing to say.
func WriteGitHubAnnotations(w io.Writer, c Comparison) error {
	b := comparisonCases(c)
	var out strings.Builder
	for _, m := range b.order {
		switch {
		case len(b.failures[m]) > 0:
			ghCommand(&out, "error", "hive gate: "+m, strings.Join(b.failures[m], "\n"))
		case len(b.errors[m]) > 0:
			ghCommand(&out, "error", "hive gate: "+m, strings.Join(b.errors[m], "\n"))
		case len(b.skipped[m]) > 0:
			ghCommand(&out, "warning", "hive gate: "+m, strings.Join(b.skipped[m], "\n"))
		}
	}
	for _, wr := range c.Warnings {
		ghCommand(&out, "warning", "hive gate", wr)
	}
	_, err := io.WriteString(w, out.String())
	return err
}

// ghCommand writes one workflow command on one line, escaped as the runner
// unescapes it: a newline in the message would otherwise end the command,
// and a colon or comma in a property would end the property.
func ghCommand(w io.Writer, kind, title, message string) {
	fmt.Fprintf(w, "::%s title=%s::%s\n", kind, ghEscapeProperty(title), ghEscapeData(message))
}

var (
	ghData     = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A")
	ghProperty = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C")
)

func ghEscapeData(s string) string     { return ghData.Replace(s) }
func ghEscapeProperty(s string) string { return ghProperty.Replace(s) }
