package workloads

import (
	"fmt"
	"io"
	"strings"
)

// WriteText writes what a fetch of m did, for people: the tree and its
// fingerprints, what the unpack made of the archives, the downloads, and
// the lines to add to the manifest to pin what it does not pin yet.
func (r *FetchReport) WriteText(w io.Writer, m *Manifest) {
	t := r.Tree
	state := "fetched"
	switch {
	case m.Source.Type.Local():
		state = "local, nothing to fetch"
	case r.AlreadyCached:
		state = "already cached"
	}
	fmt.Fprintf(w, "%s: %s: %s\n  %d files, %d bytes (%s), %s\n", m.Name, state, t.Root, t.Fingerprint.Files, t.Fingerprint.Bytes, FormatBytes(t.Fingerprint.Bytes), t.Fingerprint.Hash)
	if t.Content != "" {
		fmt.Fprintf(w, "  content %s\n", t.Content)
	}
	if u := r.Unpack; u != nil {
		fmt.Fprintf(w, "  %s\n", u)
		for _, e := range u.Examples {
			fmt.Fprintf(w, "    %s\n", e)
		}
	}
	for _, a := range r.Artefacts {
		fmt.Fprintf(w, "  artefact %s: %d bytes, sha256 %s\n", a.File, a.Size, a.SHA256)
	}
	if len(r.Unpinned) > 0 {
		fmt.Fprintf(w, "  not pinned in %s; to pin the downloads add:\n    artefacts:\n", m.File)
		for _, a := range r.Unpinned {
			fmt.Fprintf(w, "      - file: %s\n        size: %d\n        sha256: %s\n", a.File, a.Size, a.SHA256)
		}
	}
	if !m.PinsContent() && t.Content != "" {
		fmt.Fprintf(w, "  fingerprint not pinned in %s; to pin this tree add:\n%s", m.File, indent(PinSnippet(t.Fingerprint, t.Content), "    "))
	}
}

// WriteText writes the verification for people: the fingerprints measured
// now, at fetch and pinned, and whether the tree is the pinned one (or the
// lines that would pin it).
func (v *Verification) WriteText(w io.Writer) {
	m := v.Manifest
	fmt.Fprintf(w, "%s: %s\n  measured: %d files, %d bytes, %s, content %s\n", m.Name, v.Root, v.Measured.Files, v.Measured.Bytes, v.Measured.Hash, v.MeasuredContent)
	if v.Recorded != nil {
		fmt.Fprintf(w, "  at fetch: %d files, %d bytes, %s, content %s\n", v.Recorded.Files, v.Recorded.Bytes, v.Recorded.Hash, v.RecordedContent)
	}
	if !v.Pinned() {
		fmt.Fprintf(w, "  pinned:   nothing; to pin this tree, add to %s:\n%s", m.File, indent(v.PinSnippet(), "    "))
		return
	}
	content := "content not pinned"
	if m.PinsContent() {
		content = "content " + m.Content
	}
	fmt.Fprintf(w, "  pinned:   %d files, %d bytes, %s, %s\n", m.Fingerprint.Files, m.Fingerprint.Bytes, m.Fingerprint.Hash, content)
	if len(v.Problems()) == 0 {
		fmt.Fprintln(w, "  ok: the tree is the pinned one")
		if !m.PinsContent() {
			fmt.Fprintf(w, "  (names and sizes only: add `content: %s` under fingerprint: in %s to pin the bytes too)\n", v.MeasuredContent, m.File)
		}
	} else {
		fmt.Fprintln(w, "  DIFFERS")
	}
}

// SizeOf is the tree's size as best known: the pin, then what was
// measured at fetch, then the manifest's estimate (marked ~).
func SizeOf(m *Manifest, st State) string {
	switch {
	case m.Pinned():
		return fmt.Sprintf("%s, %d files", FormatBytes(m.Fingerprint.Bytes), m.Fingerprint.Files)
	case st.Marker != nil:
		return fmt.Sprintf("%s, %d files", FormatBytes(st.Marker.Fingerprint.Bytes), st.Marker.Fingerprint.Files)
	case m.Estimate.Bytes > 0 || m.Estimate.Files > 0:
		var parts []string
		if m.Estimate.Bytes > 0 {
			parts = append(parts, "~"+FormatBytes(m.Estimate.Bytes))
		}
		if m.Estimate.Files > 0 {
			parts = append(parts, fmt.Sprintf("~%d files", m.Estimate.Files))
		}
		return strings.Join(parts, ", ")
	case m.Source.Type.Local():
		return "as found"
	}
	return "unknown"
}

func indent(s, pre string) string {
	lines := strings.SplitAfter(s, "\n")
	var b strings.Builder
	for _, l := range lines {
		if l != "" {
			b.WriteString(pre + l)
		}
	}
	return b.String()
}
