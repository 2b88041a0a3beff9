package parse

/*
#include <stddef.h>

// Declared here rather than included: the header lives in go-tree-sitter's
// module directory, and the symbol is linked in from that package.
void ts_set_allocator(void *(*)(size_t), void *(*)(size_t, size_t), void *(*)(void *, size_t), void (*)(void *));

static void hive_ts_libc_allocator(void) { ts_set_allocator(NULL, NULL, NULL, NULL); }
*/
import "C"

// go-tree-sitter v0.25.0 installs, at init, an allocator that sends every
// tree-sitter malloc and free through a C→Go→C callback, even though all it
// does is call libc. On Go sources that round trip cost more than the
// parsing itself (tree-sitter/go-tree-sitter#32; fixed upstream after
// v0.25.0 by PR #43, which does what this does). Passing NULLs restores
// tree-sitter's own libc allocator. go-tree-sitter frees what tree-sitter
// returns with C.free, which is the same libc free, so the two stay
// consistent. Package initialisation order guarantees go-tree-sitter's init
// has already run.
func init() { C.hive_ts_libc_allocator() }
