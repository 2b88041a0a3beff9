package reports

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hiveperf/hive/internal/exitcode"
)

func TestWriteFile(t *testing.T) {
	dir := t.TempDir()
	broken := errors.New("renderer broke")
	cases := []struct {
		name    string
		path    string
		render  func(w io.Writer) error
		code    int
		want    string // the file's content, or the error's text
		created bool
	}{
		{"written", filepath.Join(dir, "r.md"), func(w io.Writer) error { _, err := io.WriteString(w, "# report\n"); return err }, exitcode.OK, "# report\n", true},
		{"no such directory", filepath.Join(dir, "missing", "r.md"), func(io.Writer) error { return nil }, exitcode.Usage, "directory " + filepath.Join(dir, "missing") + " does not exist", false},
		{"the renderer fails", filepath.Join(dir, "bad.md"), func(w io.Writer) error { io.WriteString(w, "half"); return broken }, exitcode.Infra, "renderer broke", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := WriteFile(c.path, c.render)
			assert.Equal(t, c.code, exitcode.Code(err))
			data, rerr := os.ReadFile(c.path)
			if !c.created {
				require.Error(t, err)
				assert.Contains(t, err.Error(), c.want)
				assert.ErrorIs(t, rerr, os.ErrNotExist, "no half report is left behind")
				return
			}
			require.NoError(t, err)
			require.NoError(t, rerr)
			assert.Equal(t, c.want, string(data))
		})
	}
}
