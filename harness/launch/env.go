package launch

import "strings"

// Env is the environment of a hive child of the harness: base (the
// harness's own, os.Environ()) minus HIVE_*, OPENROUTER_API_KEY,
// XDG_CONFIG_HOME and XDG_DATA_HOME, plus XDG_CONFIG_HOME=configDir (an
// empty directory: no profiles file), then extra, which wins. A user's
// ~/.config/hive/config.yaml, database location or API key therefore never
// changes (or leaks into) what is measured.
func Env(base []string, configDir string, extra ...string) []string {
	out := make([]string, 0, len(base)+len(extra)+1)
	for _, kv := range base {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "HIVE_") || k == "OPENROUTER_API_KEY" || k == "XDG_CONFIG_HOME" || k == "XDG_DATA_HOME" {
			continue
		}
		out = append(out, kv)
	}
	out = append(out, "XDG_CONFIG_HOME="+configDir)
	return append(out, extra...)
}
