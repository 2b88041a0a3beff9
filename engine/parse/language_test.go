package parse

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDetect(t *testing.T) {
	tests := []struct {
		path string
		head string
		want *Language
	}{
		{"main.go", "", Go},
		{"x.c", "", C},
		{"x.h", "", C},
		{"X.C", "", C},
		{"x.cc", "", CPP},
		{"x.hpp", "", CPP},
		{"x.js", "", JavaScript},
		{"x.mjs", "", JavaScript},
		{"x.jsx", "", JavaScript},
		{"x.ts", "", TypeScript},
		{"x.tsx", "", TSX},
		{"x.py", "", Python},
		{"x.rs", "", Rust},
		{"x.java", "", Java},
		{"script", "#!/usr/bin/python3\nprint(1)\n", Python},
		{"script", "#!/usr/bin/env python3.12\n", Python},
		{"script", "#!/usr/bin/env node\n", JavaScript},
		{"script", "#!/usr/bin/env -S deno run --allow-read\n", TypeScript},
		{"script", "#!/usr/bin/env FOO=1 python\n", Python},
		{"script", "#!/bin/sh\necho hi\n", nil},
		{"script", "print(1)\n", nil},
		{"script", "#!", nil},
		{"notes.txt", "#!/usr/bin/python3\n", nil}, // an unknown extension is not sniffed
		{"Makefile", "all:\n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.path+"/"+tt.head, func(t *testing.T) {
			assert.Equal(t, tt.want, Detect(tt.path, []byte(tt.head)))
		})
	}
}

func TestLanguageByName(t *testing.T) {
	for _, l := range Languages {
		assert.Same(t, l, LanguageByName(l.Name))
		_, err := l.load()
		require.NoError(t, err, "%s: grammar and queries must compile", l.Name)
	}
	assert.Nil(t, LanguageByName("cobol"))
}

// The .h rule: a header is C unless it fails as C and C++ does better.
func TestHeaderLanguage(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want string
	}{
		{"plain C header", "#include <stddef.h>\nstruct point { int x, y; };\nint add(int a, int b);\n", "c"},
		{"C header mentioning class in a comment", "/* the class of errors */\nint f(void);\n", "c"},
		{"C++ class header", "#pragma once\nnamespace app {\nclass Widget {\npublic:\n  virtual ~Widget() = default;\n  int size() const { return n_; }\nprivate:\n  int n_;\n};\n}\n", "cpp"},
		{"C++ template header", "template <typename T>\nT max_of(T a, T b) { return a > b ? a : b; }\n", "cpp"},
	}
	a := NewAnalyzer()
	defer a.Close()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			an, ok, err := a.AnalyzeFile("x.h", []byte(tt.src))
			require.NoError(t, err)
			require.True(t, ok)
			assert.Equal(t, tt.want, an.Language)
		})
	}
}
