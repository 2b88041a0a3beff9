package export

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/prometheus/common/expfmt"

	"github.com/hiveperf/hive/harness/results"
)

// TextfileName is the file WriteTextfile writes; node-exporter's textfile
// collector reads every *.prom in its directory.
const TextfileName = "hivebench.prom"

// WriteTextfile writes f's gauges to DIR/hivebench.prom in the Prometheus
// text format. It writes a temporary file (not ending in .prom, so the
// collector never reads half of it) and renames it into place.
func WriteTextfile(dir string, f *results.File) (err error) {
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return fmt.Errorf("textfile directory %s does not exist or is not a directory; create it or point --textfile at node-exporter's --collector.textfile.directory", dir)
	}
	reg, err := Gauges(f)
	if err != nil {
		return err
	}
	mfs, err := reg.Gather()
	if err != nil {
		return fmt.Errorf("gather metrics for %s: %w", f.Label(), err)
	}
	tmp, err := os.CreateTemp(dir, "."+TextfileName+".tmp-*")
	if err != nil {
		return fmt.Errorf("write textfile in %s: %w", dir, err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	enc := expfmt.NewEncoder(tmp, expfmt.NewFormat(expfmt.TypeTextPlain))
	for _, mf := range mfs {
		if err := enc.Encode(mf); err != nil {
			return fmt.Errorf("write textfile %s: %w", tmp.Name(), err)
		}
	}
	// CreateTemp makes 0600; node-exporter often runs as another user.
	if err := tmp.Chmod(0o644); err != nil {
		return fmt.Errorf("write textfile %s: %w", tmp.Name(), err)
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("write textfile %s: %w", tmp.Name(), err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write textfile %s: %w", tmp.Name(), err)
	}
	dst := filepath.Join(dir, TextfileName)
	if err := os.Rename(tmp.Name(), dst); err != nil {
		return fmt.Errorf("write textfile %s: %w", dst, err)
	}
	return nil
}
