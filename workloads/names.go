package workloads

import (
	"fmt"
	"strings"
)

// The cache keeps every workload's entries side by side in one directory
// (see Cache), named after the workload and its artefacts. A name that is
// itself one of those entries would alias another: a workload called
// "linux.partial" would unpack its tree into linux's downloads, an artefact
// called ".." would be removed from, and moved aside out of, the staging
// directory's parent. So such names are refused wherever they come from:
// the manifest, or the tool that reports what it downloaded.

// cacheSuffixes are the suffixes of the cache's own entries.
var cacheSuffixes = []string{".partial", ".complete", ".lock"}

// badMarker starts the suffix of a file or tree moved aside (NAME.bad-…).
const badMarker = ".bad-"

// reservedName says why name may not be a workload's or an artefact's name
// in the cache, or "" if it may.
func reservedName(name string) string {
	switch {
	case name == "":
		return "it is empty"
	case name == "." || name == "..":
		return "it names a directory, not an entry of its own"
	case strings.ContainsAny(name, "/\\\x00"):
		return "it is a path, not a file name"
	case strings.HasPrefix(name, "."):
		// .source (the staging directory's key), .NAME.unpack-* and the
		// atomic writes' temporary files are hidden names.
		return "it starts with '.', which the cache keeps for its own files"
	case strings.Contains(name, badMarker):
		return "it contains " + badMarker + ", the suffix of what the cache moves aside"
	}
	for _, s := range cacheSuffixes {
		if strings.HasSuffix(name, s) {
			return fmt.Sprintf("it ends in %s, the suffix of one of the cache's own entries (%s)", s, strings.Join(cacheSuffixes, ", "))
		}
	}
	return ""
}
