package parse

import (
	"math/big"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseFileSize(t *testing.T) {
	tests := []struct {
		in   string
		want int64 // 0: an error
	}{
		{"2097152", 2097152},
		{"2MiB", 2 << 20},
		{"2M", 2 << 20},
		{"512 KiB", 512 << 10},
		{" 7 K ", 7 << 10},
		{"1GB", 1e9},
		{"3G", 3 << 30},
		{"10B", 10},
		{"1", 1},
		{"4294967295", MaxFileSizeLimit},
		{"4294967295B", MaxFileSizeLimit},
		{"4194303K", 4194303 << 10},
		{"4GB", 4e9},
		{"4294967296", 0},
		{"4GiB", 0},
		{"4194304K", 0},
		{"5GB", 0},
		{"9223372036854775807", 0},
		{"9223372036854775808", 0},
		{"99999999999999999999999", 0},
		{"9223372036854775807K", 0},
		{"8589934592G", 0},
		{"0", 0},
		{"0MiB", 0},
		{"-5", 0},
		{"+5", 0},
		{"1.5MiB", 0},
		{"1e6", 0},
		{"0x10", 0},
		{"2XB", 0},
		{"MiB", 0},
		{"", 0},
		{"2 M iB", 0},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseFileSize(tt.in)
			if tt.want == 0 {
				require.Error(t, err, "got %d", got)
				assert.Contains(t, err.Error(), strconv.Quote(tt.in), "the error quotes the input")
				assert.Contains(t, err.Error(), "from 1 to 4294967295", "and says the valid range")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

// FuzzParseFileSize holds ParseFileSize to an independent reading of the
// same grammar in arbitrary precision: whatever it accepts is in range and
// is digits × unit exactly (no wrap), whatever is well-formed and in range
// it accepts, and every error names the input and the range.
func FuzzParseFileSize(f *testing.F) {
	for _, s := range []string{"2097152", "2MiB", "512 KiB", "4GiB", "4294967295", "9223372036854775807", "8589934592G", "0", "-1", "1.5M", "", " 1 B "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseFileSize(s)

		// The oracle: split off a unit, require digits, multiply exactly.
		want := func() *big.Int {
			tr := strings.TrimSpace(s)
			mult := int64(1)
			for _, u := range sizeUnits {
				if rest, ok := strings.CutSuffix(tr, u.suffix); ok {
					tr, mult = strings.TrimSpace(rest), u.mult
					break
				}
			}
			if tr == "" || strings.Trim(tr, "0123456789") != "" {
				return nil
			}
			n, ok := new(big.Int).SetString(tr, 10)
			if !ok {
				return nil
			}
			return n.Mul(n, big.NewInt(mult))
		}()
		inRange := want != nil && want.Sign() > 0 && want.Cmp(big.NewInt(MaxFileSizeLimit)) <= 0

		if err != nil {
			assert.False(t, inRange, "%q is a valid size (%v) but was refused: %v", s, want, err)
			assert.Contains(t, err.Error(), strconv.Quote(s))
			assert.Contains(t, err.Error(), "from 1 to 4294967295")
			return
		}
		require.True(t, inRange, "%q was accepted as %d, but it is %v", s, got, want)
		assert.Equal(t, want.Int64(), got)
		again, err := ParseFileSize(strconv.FormatInt(got, 10))
		require.NoError(t, err, "the bytes it accepted must parse back")
		assert.Equal(t, got, again)
	})
}
