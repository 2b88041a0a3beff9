package parse

import "slices"

// classifyLines counts lines and splits them into code, comment and blank
// with one byte scan, given the comment ranges the query captured. Comment
// nodes never overlap, so sorting by start also sorts by end.
func classifyLines(src []byte, comments []span) (lines, code, comment, blank int) {
	if !slices.IsSortedFunc(comments, func(x, y span) int { return int(x.start) - int(y.start) }) {
		slices.SortFunc(comments, func(x, y span) int { return int(x.start) - int(y.start) })
	}
	ci := 0
	hasCode, hasComment := false, false
	tally := func() {
		lines++
		switch {
		case hasCode:
			code++
		case hasComment:
			comment++
		default:
			blank++
		}
		hasCode, hasComment = false, false
	}
	for i, b := range src {
		switch b {
		case '\n':
			tally()
			continue
		case ' ', '\t', '\r', '\f', '\v':
			continue
		}
		if hasCode {
			continue // the line is code whatever else it holds
		}
		pos := uint32(i)
		for ci < len(comments) && comments[ci].end <= pos {
			ci++
		}
		if ci < len(comments) && comments[ci].start <= pos {
			hasComment = true
		} else {
			hasCode = true
		}
	}
	if len(src) > 0 && src[len(src)-1] != '\n' {
		tally()
	}
	return lines, code, comment, blank
}
