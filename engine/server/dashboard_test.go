package server_test

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The Grafana dashboard shipped in ci/grafana must be valid JSON and chart
// every hive_ metric family the server exports, so a new metric cannot go
// unseen on the dashboard.
func TestGrafanaDashboardCoversEveryHiveMetric(t *testing.T) {
	raw, err := os.ReadFile("../../ci/grafana/hive.json")
	require.NoError(t, err)
	var dash struct {
		Panels []struct {
			Title   string `json:"title"`
			Targets []struct {
				Expr string `json:"expr"`
			} `json:"targets"`
		} `json:"panels"`
	}
	require.NoError(t, json.Unmarshal(raw, &dash), "ci/grafana/hive.json must be valid JSON")
	var exprs strings.Builder
	for _, p := range dash.Panels {
		for _, tg := range p.Targets {
			exprs.WriteString(tg.Expr + "\n")
		}
	}

	e := start(t, nil)
	require.Equal(t, 200, e.post(t, "/v1/consensus", map[string]any{"question": "dashboard"}).StatusCode)
	resp := e.get(t, "/metrics")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	families := regexp.MustCompile(`(?m)^# TYPE (hive_[a-z_]+) `).FindAllStringSubmatch(string(body), -1)
	require.NotEmpty(t, families)
	for _, f := range families {
		assert.Contains(t, exprs.String(), f[1], "no dashboard panel queries %s", f[1])
	}
}
