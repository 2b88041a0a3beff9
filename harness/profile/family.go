package profile

import (
	"strings"

	"github.com/hiveperf/hive/harness/probe"
	"github.com/hiveperf/hive/harness/suite"
	"github.com/hiveperf/hive/internal/exitcode"
)

// Family maps a METRIC argument (a family, or a metric id such as
// parsing.per_file) to its family; anything else is a usage error.
func Family(arg string) (string, error) {
	fam, _, _ := strings.Cut(arg, ".")
	for _, f := range probe.Families() {
		if f == fam {
			if strings.Contains(arg, ".") {
				probes, err := probe.All(probe.Config{})
				if err != nil {
					return "", err
				}
				if _, err := suite.Select(probes, arg); err != nil {
					return "", exitcode.UsageError("hivebench profile: unknown metric %q; want a family (%s) or one of its metric ids, e.g. %s.%s",
						arg, strings.Join(probe.Families(), ", "), f, strings.TrimPrefix(probeMetric(probes, f), f+"."))
				}
			}
			return f, nil
		}
	}
	return "", exitcode.UsageError("hivebench profile: unknown metric %q; want a family (%s) or one of its metric ids", arg, strings.Join(probe.Families(), ", "))
}

// probeMetric is the first metric of family, for examples in messages.
func probeMetric(probes []probe.Probe, family string) string {
	for _, p := range probes {
		if p.Family() == family && len(p.Metrics()) > 0 {
			return p.Metrics()[0].Name
		}
	}
	return family + ".*"
}
