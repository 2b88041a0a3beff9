// Package checksum is the toy package whose benchmark output the two-file
// gate's acceptance test reads.
package checksum

// slowdown is the artificial slowdown: extra passes per 5 passes.
var slowdown = 0

// Sum adds up b, once plus slowdown/5 more.
func Sum(b []byte) uint64 {
	var s uint64
	for _, c := range b {
		s += uint64(c)
	}
	for _, c := range b[:len(b)*slowdown/5] {
		s += uint64(c)
	}
	return s
}
