package cli

import (
	"flag"
	"io"
	"slices"
	"strings"
	"testing"
)

// fuzzFlags is the flag set the fuzz target parses with: a string, a bool
// and an int flag, so that every way a flag takes (or does not take) a
// value is exercised.
func fuzzFlags() (*flag.FlagSet, *string, *bool, *int) {
	fs := flag.NewFlagSet("x", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return fs, fs.String("format", "table", ""), fs.Bool("q", false, ""), fs.Int("n", 0, "")
}

// interspersedModel is what ParseInterspersed must do, written out token
// by token from the flag package's syntax: a token that is "-" or does not
// start with "-" is positional; the first "--" that is not a flag's value
// ends the flags and is dropped; "-name=value" sets a flag; a bool flag
// takes no separate value; any other flag takes the next token, whatever
// it is (even "--"). Values are applied with Set, so validation is the
// flag package's own. ok is false when the flag package would refuse the
// input.
func interspersedModel(args []string) (pos []string, format string, q bool, n int, ok bool) {
	fs, f, qq, nn := fuzzFlags()
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			pos = append(pos, args[i+1:]...)
			break
		}
		if len(a) < 2 || a[0] != '-' {
			pos = append(pos, a)
			continue
		}
		name := strings.TrimPrefix(a[1:], "-")
		if name == "" || name[0] == '-' || name[0] == '=' {
			return nil, "", false, 0, false
		}
		name, value, hasValue := strings.Cut(name, "=")
		fl := fs.Lookup(name)
		if fl == nil {
			return nil, "", false, 0, false
		}
		if b, isBool := fl.Value.(interface{ IsBoolFlag() bool }); isBool && b.IsBoolFlag() {
			if !hasValue {
				value = "true"
			}
		} else if !hasValue {
			if i+1 == len(args) {
				return nil, "", false, 0, false
			}
			i++
			value = args[i]
		}
		if err := fs.Set(name, value); err != nil {
			return nil, "", false, 0, false
		}
	}
	return pos, *f, *qq, *nn, true
}

// ParseInterspersed agrees with the model on every input: the same
// positionals in order, the same flag values, and an error exactly when
// the flag package refuses the input. Agreement means flags (with their
// values), the "--" that ends them, and positionals partition the input.
func FuzzParseInterspersed(f *testing.F) {
	for _, seed := range []string{
		"--format\x00json\x00a\x00b",
		"a\x00--format\x00json\x00b\x00-q",
		"a\x00--\x00-q\x00--format",
		"--format\x00--\x00a\x00-q",
		"--format=--\x00a\x00--\x00--",
		"-n\x00-3\x00-\x00x\x00-q=false",
		"-q\x00false\x00--n=0x10",
		"---q",
		"-h",
		"",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, joined string) {
		args := strings.Split(joined, "\x00")
		fs, format, q, n := fuzzFlags()
		pos, err := ParseInterspersed(fs, slices.Clone(args))
		wantPos, wantFormat, wantQ, wantN, ok := interspersedModel(args)
		if (err == nil) != ok {
			t.Fatalf("%q: ParseInterspersed error %v; the flag package %s it", args, err, map[bool]string{true: "accepts", false: "refuses"}[ok])
		}
		if err != nil {
			return
		}
		if !slices.Equal(pos, wantPos) && !(len(pos) == 0 && len(wantPos) == 0) {
			t.Fatalf("%q: positionals %q, want %q", args, pos, wantPos)
		}
		if *format != wantFormat || *q != wantQ || *n != wantN {
			t.Fatalf("%q: flags format=%q q=%v n=%d, want format=%q q=%v n=%d", args, *format, *q, *n, wantFormat, wantQ, wantN)
		}
	})
}
