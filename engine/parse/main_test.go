package parse

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"testing"
)

// childEnv, when set, makes the test binary a helper instead of a test run:
// it walks the directory named by the variable and prints the results as
// JSON. TestPermissionDenied runs it as an unprivileged user, because the
// tests run as root and root reads everything.
const childEnv = "HIVE_PARSE_TEST_WALK"

// childOutput is what the helper prints.
type childOutput struct {
	Summary *Summary      `json:"summary"`
	Files   []*FileResult `json:"files"`
	Err     string        `json:"err,omitempty"`
	UID     int           `json:"uid"`
}

func TestMain(m *testing.M) {
	if dir := os.Getenv(childEnv); dir != "" {
		out := childOutput{UID: os.Geteuid()}
		sum, err := Run(context.Background(), dir, Options{Jobs: 2, OnFile: func(r *FileResult) error {
			c := *r
			out.Files = append(out.Files, &c)
			return nil
		}})
		out.Summary = sum
		if err != nil {
			out.Err = err.Error()
		}
		if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}
