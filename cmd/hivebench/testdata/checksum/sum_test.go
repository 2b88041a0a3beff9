package checksum

import "testing"

var sink uint64

func BenchmarkSum(b *testing.B) {
	buf := make([]byte, 64<<10)
	for i := range buf {
		buf[i] = byte(i)
	}
	b.SetBytes(int64(len(buf)))
	for b.Loop() {
		sink = Sum(buf)
	}
}
