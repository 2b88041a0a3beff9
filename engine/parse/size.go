package parse

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// MaxFileSizeLimit is the largest size cap Options.MaxFileSize and
// --max-file-size accept: tree-sitter addresses a file with 32-bit byte
// offsets, so a larger file could not be parsed whole, and a cap above it
// would promise what the parser cannot do.
const MaxFileSizeLimit = 1<<32 - 1

// sizeUnits are the suffixes ParseFileSize knows, longest first so that
// "MiB" is not read as "M" followed by junk. K, M and G are binary, as in
// most tools' size flags; KB, MB and GB are decimal.
var sizeUnits = []struct {
	suffix string
	mult   int64
}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"KB", 1000}, {"MB", 1000 * 1000}, {"GB", 1000 * 1000 * 1000}, {"K", 1 << 10}, {"M", 1 << 20}, {"G", 1 << 30}, {"B", 1}}

// validSizes says what ParseFileSize accepts, for its errors.
var validSizes = fmt.Sprintf("want a whole number of bytes from 1 to %d (4 GiB - 1: tree-sitter's offsets are 32-bit), optionally with a unit K, M, G, KiB, MiB, GiB (binary) or KB, MB, GB (decimal), e.g. 2MiB", MaxFileSizeLimit)

// ParseFileSize reads a size cap as --max-file-size takes it: 2097152,
// 2MiB, 512 KiB, 1GB. A size that is not a whole positive number, has an
// unknown unit, or does not fit in 1..MaxFileSizeLimit bytes is an error
// saying the valid range; nothing is rounded, wrapped or defaulted.
func ParseFileSize(s string) (int64, error) {
	t := strings.TrimSpace(s)
	mult := int64(1)
	for _, u := range sizeUnits {
		if rest, ok := strings.CutSuffix(t, u.suffix); ok {
			t, mult = strings.TrimSpace(rest), u.mult
			break
		}
	}
	// Digits only: ParseInt would also take a sign, and "+5" or "-0" are
	// not how anyone writes a size.
	if t == "" || strings.TrimLeft(t, "0123456789") != "" {
		return 0, fmt.Errorf("%q is not a size: %s", s, validSizes)
	}
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return 0, fmt.Errorf("%q is not a size: %s", s, validSizes)
	}
	if err != nil || n < 1 || n > MaxFileSizeLimit/mult {
		return 0, fmt.Errorf("%q is out of range: %s", s, validSizes)
	}
	return n * mult, nil
}

// checkMaxFileSize is Run's check of Options.MaxFileSize (0: the default).
func checkMaxFileSize(n int64) error {
	if n < 0 || n > MaxFileSizeLimit {
		return fmt.Errorf("max file size %d is out of range: want 0 (the default, %d) or 1 to %d bytes", n, DefaultMaxFileSize, MaxFileSizeLimit)
	}
	return nil
}
