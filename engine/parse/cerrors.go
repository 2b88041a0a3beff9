package parse

// countErrors counts a tree's ERROR and MISSING nodes in C.
//
// Why C: the count needs a walk, and a walk from Go pays a cgo call per step
// (three per child looked at). A query for (ERROR) and (MISSING) visits
// every node of the tree: +20% on top of parsing the Linux kernel, where one
// header in ten has errors. The walk below descends only into children whose
// subtree has an error (a few paths per broken file), and inside an ERROR
// node visits everything, because tree-sitter may nest ERROR nodes there
// whose own has-error flag is clear. From Go that walk still cost 2–3% of a
// kernel analysis; in C, through tree-sitter's own cursor API, it is one
// call per file.
//
// The functions are tree-sitter's public API (tree_sitter/api.h of the
// runtime go-tree-sitter v0.25.0 compiles into the binary); they are
// declared here rather than included because that header is not on this
// package's include path. They are weak so that cgo's per-package link
// check accepts them; the final link resolves them to the runtime's
// definitions. The struct layouts are api.h's, and go-tree-sitter's Node is
// a TSNode and nothing else (checked below). TestCountErrorsAgreesWithFullWalk
// and FuzzAnalyze hold the count to a walk of every node.

/*
#include <stdint.h>
#include <stdbool.h>

typedef struct TSNode { uint32_t context[4]; const void *id; const void *tree; } TSNode;
typedef struct TSTreeCursor { const void *tree; const void *id; uint32_t context[3]; } TSTreeCursor;

extern TSTreeCursor ts_tree_cursor_new(TSNode) __attribute__((weak));
extern void ts_tree_cursor_delete(TSTreeCursor *) __attribute__((weak));
extern TSNode ts_tree_cursor_current_node(const TSTreeCursor *) __attribute__((weak));
extern bool ts_tree_cursor_goto_first_child(TSTreeCursor *) __attribute__((weak));
extern bool ts_tree_cursor_goto_next_sibling(TSTreeCursor *) __attribute__((weak));
extern bool ts_tree_cursor_goto_parent(TSTreeCursor *) __attribute__((weak));
extern bool ts_node_has_error(TSNode) __attribute__((weak));
extern bool ts_node_is_error(TSNode) __attribute__((weak));
extern bool ts_node_is_missing(TSNode) __attribute__((weak));

// hive_count_errors walks root's subtree depth-first. A node is looked at
// if it has an error or lies inside an ERROR node (err_depth, 1 + the depth
// of the outermost ERROR around the cursor, or 0), and only then are its
// children.
static uint32_t hive_count_errors(TSNode root) {
	TSTreeCursor c = ts_tree_cursor_new(root);
	uint32_t count = 0, depth = 0, err_depth = 0;
	for (;;) {
		TSNode n = ts_tree_cursor_current_node(&c);
		if (err_depth || ts_node_has_error(n)) {
			if (ts_node_is_error(n)) {
				count++;
				if (!err_depth) err_depth = depth + 1;
			} else if (ts_node_is_missing(n)) {
				count++;
			}
			if (ts_tree_cursor_goto_first_child(&c)) {
				depth++;
				continue;
			}
		}
		// Leave this node: to its next sibling, else up until one has one.
		for (;;) {
			if (err_depth == depth + 1) err_depth = 0;
			if (depth == 0) goto done;
			if (ts_tree_cursor_goto_next_sibling(&c)) break;
			ts_tree_cursor_goto_parent(&c);
			depth--;
		}
	}
done:
	ts_tree_cursor_delete(&c);
	return count;
}
*/
import "C"

import (
	"unsafe"

	ts "github.com/tree-sitter/go-tree-sitter"
)

// go-tree-sitter's Node must be exactly a TSNode for the conversion below;
// a version that changes that fails to compile here.
var _ = [1]struct{}{}[unsafe.Sizeof(ts.Node{})-unsafe.Sizeof(C.TSNode{})]

// countErrors counts the ERROR and MISSING nodes under root.
func countErrors(root *ts.Node) int {
	return int(C.hive_count_errors(*(*C.TSNode)(unsafe.Pointer(root))))
}
