package reports

import (
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"

	"github.com/hiveperf/hive/harness/profile"
)

// WriteProfiles writes what `hivebench profile` prints for each captured
// profile (harness/profile): a header with the sample type and total, the
// top functions by flat and by cumulative value, and, with a diff base, the
// largest changes of each function's share of the total.
func WriteProfiles(w io.Writer, res []profile.Result) error {
	for _, r := range res {
		if err := writeProfileTop(w, r.Top); err != nil {
			return err
		}
		if r.Diff != nil {
			writeProfileDiff(w, *r.Diff)
		}
	}
	return nil
}

func writeProfileTop(w io.Writer, t profile.Top) error {
	fmt.Fprintf(w, "\n== %s: %s (%s), total %s, %d distinct stacks ==\n", t.Path, t.Type, t.Unit, formatProfileValue(t.Total, t.Unit), t.Stacks)
	if t.Total == 0 {
		fmt.Fprintln(w, "(no samples: the workload was too short for this profile, or nothing happened of its kind)")
		return nil
	}
	for _, by := range []struct {
		name string
		list []profile.FuncStat
	}{{"flat", t.ByFlat}, {"cum", t.ByCum}} {
		fmt.Fprintf(w, "top %d by %s:\n", t.N, by.name)
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "flat\tflat%\tcum\tcum%\t\tfunction")
		for _, s := range by.list {
			fmt.Fprintf(tw, "%s\t%.1f%%\t%s\t%.1f%%\t\t%s\n", formatProfileValue(s.Flat, t.Unit), profile.Share(s.Flat, t.Total),
				formatProfileValue(s.Cum, t.Unit), profile.Share(s.Cum, t.Total), s.Name)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	return nil
}

func writeProfileDiff(w io.Writer, d profile.Diff) {
	switch d.Skipped {
	case profile.SkipTypes:
		fmt.Fprintf(w, "diff against %s: skipped, it is a %s (%s) profile and %s is %s (%s)\n", d.BasePath, d.BaseType, d.BaseUnit, d.HeadPath, d.HeadType, d.HeadUnit)
		return
	case profile.SkipEmpty:
		fmt.Fprintf(w, "diff against %s: skipped, one of the profiles has no samples\n", d.BasePath)
		return
	}
	fmt.Fprintf(w, "top %d changes of flat share, %s → %s (totals %s → %s):\n", d.N, d.BasePath, d.HeadPath, formatProfileValue(d.BaseTotal, d.BaseUnit), formatProfileValue(d.HeadTotal, d.HeadUnit))
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "Δ share\tbase\thead\tbase flat\thead flat\t\tfunction")
	for _, c := range d.Deltas {
		fmt.Fprintf(tw, "%+.1f pp\t%.1f%%\t%.1f%%\t%s\t%s\t\t%s\n", c.Head-c.Base, c.Base, c.Head,
			formatProfileValue(c.BaseFlat, d.BaseUnit), formatProfileValue(c.HeadFlat, d.HeadUnit), c.Name)
	}
	tw.Flush()
}

// formatProfileValue prints a sample value in its unit: times and sizes
// rescaled like every hivebench figure, counts as integers.
func formatProfileValue(v int64, unit string) string {
	switch unit {
	case "nanoseconds":
		return FormatValue(float64(v), "ns")
	case "bytes":
		return FormatValue(float64(v), "B")
	}
	return strconv.FormatInt(v, 10)
}
