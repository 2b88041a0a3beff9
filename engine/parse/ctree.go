package parse

// Two hot loops over tree-sitter trees run in C, through tree-sitter's own
// API, because from Go every step is a cgo call (and go-tree-sitter adds a
// C malloc, a free and a heap-allocated match per query match): counting
// syntax errors, and the shallow query scan.
//
// The functions are tree-sitter's public API (tree_sitter/api.h of the
// runtime go-tree-sitter v0.25.0 compiles into the binary); they are
// declared here rather than included because that header is not on this
// package's include path. They are weak so that cgo's per-package link
// check accepts them; the final link resolves them to the runtime's
// definitions. The struct layouts are api.h's; go-tree-sitter's Node is a
// TSNode and nothing else, and its Query and QueryCursor start with their C
// pointer (checked below or by the tests: TestCountErrorsAgreesWithFullWalk,
// FuzzAnalyze, the golden and differential tests of the C analysis).
//
// # Counting syntax errors
//
// A query for (ERROR) and (MISSING) visits every node of the tree: +20% on
// top of parsing the Linux kernel, where one header in ten has errors. The
// walk below descends only into children whose subtree has an error (a few
// paths per broken file), and inside an ERROR node visits everything,
// because tree-sitter may nest ERROR nodes there whose own has-error flag
// is clear. From Go that walk still cost 2–3% of a kernel analysis.
//
// # The shallow scan
//
// hive_shallow runs a shallow query (see scanShallow) on the root and on
// every container it finds, and hands Go one flat array of the captures
// that matter, with their byte and row extents: one cgo call per file
// instead of four per match and four per definition.
//
// # Operators the tree decides
//
// In C++ "a && b" is a decision point and "T&& t" (an rvalue reference),
// "operator&&", "(... && xs)" (a fold) and "requires A && B" are not; only
// the tree tells them apart. The lexer hands their offsets to
// hive_binary_ops, which keeps those whose token is the operator of a
// binary expression. It moves one tree cursor forward through the sorted
// offsets, stepping over every subtree that ends before the next one, so
// it visits the spine down to each operator and the siblings between,
// never a whole function body.
//
// Python's case is a keyword where a case clause may start and a name
// anywhere else ("case = 1"), which tree-sitter decides with the rest of
// the line; hive_binary_ops keeps the lexer's case words that are a case
// clause's first token the same way.

/*
#include <stdint.h>
#include <stdbool.h>

#include <stdlib.h>
#include <string.h>

typedef struct TSNode { uint32_t context[4]; const void *id; const void *tree; } TSNode;
typedef struct TSTreeCursor { const void *tree; const void *id; uint32_t context[3]; } TSTreeCursor;
typedef struct TSPoint { uint32_t row; uint32_t column; } TSPoint;
typedef struct TSQueryCapture { TSNode node; uint32_t index; } TSQueryCapture;
typedef struct TSQueryMatch { uint32_t id; uint16_t pattern_index; uint16_t capture_count; const TSQueryCapture *captures; } TSQueryMatch;
typedef struct TSQuery TSQuery;
typedef struct TSQueryCursor TSQueryCursor;

extern void ts_query_cursor_exec(TSQueryCursor *, const TSQuery *, TSNode) __attribute__((weak));
extern bool ts_query_cursor_next_match(TSQueryCursor *, TSQueryMatch *) __attribute__((weak));
extern void ts_query_cursor_set_max_start_depth(TSQueryCursor *, uint32_t) __attribute__((weak));
extern uint32_t ts_node_start_byte(TSNode) __attribute__((weak));
extern uint32_t ts_node_end_byte(TSNode) __attribute__((weak));
extern TSPoint ts_node_start_point(TSNode) __attribute__((weak));
extern TSPoint ts_node_end_point(TSNode) __attribute__((weak));

extern TSTreeCursor ts_tree_cursor_new(TSNode) __attribute__((weak));
extern void ts_tree_cursor_delete(TSTreeCursor *) __attribute__((weak));
extern void ts_tree_cursor_reset(TSTreeCursor *, TSNode) __attribute__((weak));
extern TSNode ts_tree_cursor_current_node(const TSTreeCursor *) __attribute__((weak));
extern int64_t ts_tree_cursor_goto_first_child_for_byte(TSTreeCursor *, uint32_t) __attribute__((weak));
extern uint32_t ts_node_child_count(TSNode) __attribute__((weak));
extern uint16_t ts_node_symbol(TSNode) __attribute__((weak));
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

// One capture for Go: the node, its capture index and extent, and a match
// number (captures of one match are consecutive and share it).
typedef struct hive_capture {
	TSNode node;
	uint32_t index, match;
	uint32_t start_byte, end_byte, start_row, end_row;
} hive_capture;

// A scan's buffers, kept by an Analyzer across files. A stack item is a
// node to scan, one level deep or (deep set) at every depth.
typedef struct hive_item { TSNode node; uint32_t deep; } hive_item;
typedef struct hive_scan {
	hive_capture *caps;
	uint32_t ncaps, capcap;
	hive_item *stack;
	uint32_t nstack, stackcap;
} hive_scan;

// What hive_shallow does with a capture (cRole maps query.go's roles).
enum { HIVE_ROLE_IGNORE = 0, HIVE_ROLE_CONTAINER = 1, HIVE_ROLE_CONTAINER_IF_ERROR = 2, HIVE_ROLE_KEEP = 3, HIVE_ROLE_CONTAINER_IF_NESTED = 4, HIVE_ROLE_CONTAINER_BODY = 5, HIVE_ROLE_CONTAINER_DEEP = 6, HIVE_ROLE_CONTAINER_ITEMS = 7, HIVE_ROLE_CONTAINER_IF_MARKED = 8 };

static bool hive_push_node(hive_scan *s, TSNode n, bool deep) {
	if (s->nstack == s->stackcap) {
		uint32_t cap = s->stackcap ? 2 * s->stackcap : 64;
		hive_item *p = realloc(s->stack, cap * sizeof *p);
		if (!p) return false;
		s->stack = p;
		s->stackcap = cap;
	}
	s->stack[s->nstack].node = n;
	s->stack[s->nstack].deep = deep;
	s->nstack++;
	return true;
}

static bool hive_push_capture(hive_scan *s, TSQueryCapture c, uint32_t match) {
	if (s->ncaps == s->capcap) {
		uint32_t cap = s->capcap ? 2 * s->capcap : 256;
		hive_capture *p = realloc(s->caps, cap * sizeof *p);
		if (!p) return false;
		s->caps = p;
		s->capcap = cap;
	}
	hive_capture *h = &s->caps[s->ncaps++];
	h->node = c.node;
	h->index = c.index;
	h->match = match;
	h->start_byte = ts_node_start_byte(c.node);
	h->end_byte = ts_node_end_byte(c.node);
	h->start_row = ts_node_start_point(c.node).row;
	h->end_row = ts_node_end_point(c.node).row;
	return true;
}

// hive_marked reports whether one of the sorted marks lies in [a, b).
static bool hive_marked(const uint32_t *marks, uint32_t nmarks, uint32_t a, uint32_t b) {
	uint32_t lo = 0, hi = nmarks;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (marks[mid] < a) lo = mid + 1; else hi = mid;
	}
	return lo < nmarks && marks[lo] < b;
}

// hive_push_items pushes, for a deep scan, the node of each mark in [a, b)
// inside body: the parent of the leaf token that starts at the mark (fn's
// function_item, use's use_declaration), skipping marks inside a node
// already pushed (its deep scan finds them) and the mark of body itself
// ("pub fn f", captured whole: this scan finds it). If a mark starts no
// token (a wrong mark, an error region), it pushes the whole body instead.
// It returns false if memory ran out.
static bool hive_push_items(hive_scan *s, TSNode body, const uint32_t *marks, uint32_t nmarks, uint32_t a, uint32_t b) {
	uint32_t lo = 0, hi = nmarks;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (marks[mid] < a) lo = mid + 1; else hi = mid;
	}
	uint32_t base = s->nstack, next = a;
	bool ok = true;
	TSTreeCursor c = ts_tree_cursor_new(body);
	for (uint32_t i = lo; i < nmarks && marks[i] < b && ok; i++) {
		uint32_t off = marks[i];
		if (off < next) continue;
		ts_tree_cursor_reset(&c, body);
		ok = false;
		while (ts_tree_cursor_goto_first_child_for_byte(&c, off) >= 0) {
			TSNode cur = ts_tree_cursor_current_node(&c);
			if (ts_node_start_byte(cur) > off) break;
			if (ts_node_child_count(cur) == 0) {
				ok = ts_node_start_byte(cur) == off && ts_tree_cursor_goto_parent(&c);
				break;
			}
		}
		if (!ok) break;
		TSNode item = ts_tree_cursor_current_node(&c);
		if (item.id == body.id) continue;
		if (!hive_push_node(s, item, true)) {
			ts_tree_cursor_delete(&c);
			return false;
		}
		next = ts_node_end_byte(item);
	}
	ts_tree_cursor_delete(&c);
	if (ok) return true;
	s->nstack = base;
	return hive_push_node(s, body, true);
}

// hive_shallow runs query one level deep (max start depth 1) on root and
// on every container capture other than the node being scanned, at most
// max_scans times. A container.if_nested capture is scanned only if its
// text (src, len bytes) holds a '{' after its first byte: a struct body with
// no nested braces cannot define a type. A container.body capture is
// scanned at every depth if one of the sorted marks lies inside it after
// its first byte, else one level deep if it has a syntax error; a
// container.if_marked capture one level deep if a mark lies anywhere
// inside it or it has a syntax error; a
// container.deep capture always at every depth. A deep scan runs deepq,
// the query without its patterns that capture only containers. It finds
// everything below its node, so it pushes no containers. It returns 0, or
// -1 if memory ran out.
static int hive_shallow(hive_scan *s, TSQueryCursor *qc, const TSQuery *q, const TSQuery *deepq, TSNode root,
                        const uint8_t *roles, uint32_t max_scans, const char *src, uint32_t len,
                        const uint32_t *marks, uint32_t nmarks) {
	s->ncaps = 0;
	s->nstack = 0;
	if (!hive_push_node(s, root, false)) return -1;
	uint32_t match = 0;
	for (uint32_t scans = 0; s->nstack > 0 && scans < max_scans; scans++) {
		hive_item it = s->stack[--s->nstack];
		TSNode n = it.node;
		ts_query_cursor_set_max_start_depth(qc, it.deep ? UINT32_MAX : 1);
		ts_query_cursor_exec(qc, it.deep ? deepq : q, n);
		TSQueryMatch m;
		while (ts_query_cursor_next_match(qc, &m)) {
			match++;
			for (uint16_t i = 0; i < m.capture_count; i++) {
				TSQueryCapture c = m.captures[i];
				uint8_t role = roles[c.index];
				if (it.deep && role != HIVE_ROLE_KEEP) continue;
				switch (role) {
				case HIVE_ROLE_CONTAINER_IF_NESTED: {
					uint32_t a = ts_node_start_byte(c.node) + 1, b = ts_node_end_byte(c.node);
					if (b > len || a >= b || !memchr(src + a, '{', b - a)) break;
					if (c.node.id != n.id && !hive_push_node(s, c.node, false)) return -1;
					break;
				}
				case HIVE_ROLE_CONTAINER_BODY:
					if (c.node.id == n.id) break;
					// After its first byte: a declaration's own keyword
					// (C++'s struct in "struct S {...} s;", Go's type),
					// which this level finds, does not count.
					if (nmarks && hive_marked(marks, nmarks, ts_node_start_byte(c.node) + 1, ts_node_end_byte(c.node))) {
						if (!hive_push_node(s, c.node, true)) return -1;
					} else if (ts_node_has_error(c.node)) {
						if (!hive_push_node(s, c.node, false)) return -1;
					}
					break;
				case HIVE_ROLE_CONTAINER_ITEMS:
					if (c.node.id == n.id) break;
					if (nmarks && hive_marked(marks, nmarks, ts_node_start_byte(c.node) + 1, ts_node_end_byte(c.node))) {
						if (!hive_push_items(s, c.node, marks, nmarks, ts_node_start_byte(c.node) + 1, ts_node_end_byte(c.node))) return -1;
					} else if (ts_node_has_error(c.node)) {
						if (!hive_push_node(s, c.node, false)) return -1;
					}
					break;
				case HIVE_ROLE_CONTAINER_IF_MARKED:
					// From its first byte: a Python block's first
					// statement may be the def or import that marks it.
					if (c.node.id == n.id) break;
					if (hive_marked(marks, nmarks, ts_node_start_byte(c.node), ts_node_end_byte(c.node)) || ts_node_has_error(c.node)) {
						if (!hive_push_node(s, c.node, false)) return -1;
					}
					break;
				case HIVE_ROLE_CONTAINER_DEEP:
					if (c.node.id != n.id && !hive_push_node(s, c.node, true)) return -1;
					break;
				case HIVE_ROLE_CONTAINER_IF_ERROR:
					if (!ts_node_has_error(c.node)) break;
					// fall through
				case HIVE_ROLE_CONTAINER:
					if (c.node.id != n.id && !hive_push_node(s, c.node, false)) return -1;
					break;
				case HIVE_ROLE_KEEP:
					if (!hive_push_capture(s, c, match)) return -1;
					break;
				}
			}
		}
	}
	return 0;
}

// hive_binary_ops keeps, of the n ascending offsets in offs (each the
// start of an operator token len bytes long), those whose token is a child of a
// node of symbol kind or kind2 (0: none), compacting offs in place; it
// returns how many it kept. An offset where the tree has no such token
// (inside an ERROR node's text, say) is dropped.
static uint32_t hive_binary_ops(TSNode root, uint32_t *offs, uint32_t n, uint16_t kind, uint16_t kind2, uint32_t len) {
	TSTreeCursor c = ts_tree_cursor_new(root);
	uint32_t kept = 0;
	for (uint32_t i = 0; i < n; i++) {
		uint32_t off = offs[i];
		// Forward to the first node after the cursor's that ends past off:
		// the current one, a later sibling, or an ancestor's later sibling.
		while (ts_node_end_byte(ts_tree_cursor_current_node(&c)) <= off) {
			if (ts_tree_cursor_goto_next_sibling(&c)) continue;
			if (!ts_tree_cursor_goto_parent(&c)) goto done; // past the root's end
		}
		// Down to the token at off, then a look at its parent (the cursor
		// may have come to it from a sibling).
		for (;;) {
			TSNode cur = ts_tree_cursor_current_node(&c);
			if (ts_node_start_byte(cur) > off) break; // no token starts at off
			if (ts_node_child_count(cur) == 0) {
				if (ts_node_start_byte(cur) == off && ts_node_end_byte(cur) == off + len && ts_tree_cursor_goto_parent(&c)) {
					uint16_t sym = ts_node_symbol(ts_tree_cursor_current_node(&c));
					if (sym == kind || (kind2 && sym == kind2)) offs[kept++] = off;
					ts_tree_cursor_goto_first_child_for_byte(&c, off);
				}
				break;
			}
			if (ts_tree_cursor_goto_first_child_for_byte(&c, off) < 0) break;
		}
	}
done:
	ts_tree_cursor_delete(&c);
	return kept;
}
*/
import "C"

import (
	"errors"
	"unsafe"

	ts "github.com/tree-sitter/go-tree-sitter"
)

// go-tree-sitter's Node must be exactly a TSNode for the conversions
// below; a version that changes that fails to compile here.
var _ = [1]struct{}{}[unsafe.Sizeof(ts.Node{})-unsafe.Sizeof(C.TSNode{})]

// countErrors counts the ERROR and MISSING nodes under root.
func countErrors(root *ts.Node) int {
	return int(C.hive_count_errors(*(*C.TSNode)(unsafe.Pointer(root))))
}

// cRole is what the C scan does with a capture of role r: a shallow query
// hands Go only definitions, names, declarators and imports.
func cRole(r role) uint8 {
	switch r {
	case roleIgnore:
		return C.HIVE_ROLE_IGNORE
	case roleContainer:
		return C.HIVE_ROLE_CONTAINER
	case roleContainerIfError:
		return C.HIVE_ROLE_CONTAINER_IF_ERROR
	case roleContainerIfNested:
		return C.HIVE_ROLE_CONTAINER_IF_NESTED
	case roleContainerBody:
		return C.HIVE_ROLE_CONTAINER_BODY
	case roleContainerDeep:
		return C.HIVE_ROLE_CONTAINER_DEEP
	case roleContainerItems:
		return C.HIVE_ROLE_CONTAINER_ITEMS
	case roleContainerIfMarked:
		return C.HIVE_ROLE_CONTAINER_IF_MARKED
	}
	return C.HIVE_ROLE_KEEP
}

// cScan is an Analyzer's C-side buffers for hive_shallow.
type cScan struct{ s *C.hive_scan }

func (c *cScan) close() {
	if c.s != nil {
		C.free(unsafe.Pointer(c.s.caps))
		C.free(unsafe.Pointer(c.s.stack))
		C.free(unsafe.Pointer(c.s))
		c.s = nil
	}
}

// capture is one capture of a shallow scan.
type capture struct {
	node                                 ts.Node
	index, match                         uint32
	startByte, endByte, startRow, endRow uint32
}

// shallow runs hive_shallow and returns its captures, valid until the next
// call. cRoles maps a capture index to what C does with it; marks are the
// lexer's ascending offsets that make a function body worth a deep scan.
func (c *cScan) shallow(cursor *ts.QueryCursor, q, deep *ts.Query, root *ts.Node, cRoles []uint8, src []byte, marks []uint32) ([]capture, error) {
	if c.s == nil {
		c.s = (*C.hive_scan)(C.calloc(1, C.size_t(unsafe.Sizeof(C.hive_scan{}))))
		if c.s == nil {
			return nil, errors.New("parse: out of memory for the shallow scan")
		}
	}
	// go-tree-sitter's QueryCursor and Query hold their C pointer first.
	qc := *(**C.TSQueryCursor)(unsafe.Pointer(cursor))
	query := *(**C.TSQuery)(unsafe.Pointer(q))
	deepQuery := *(**C.TSQuery)(unsafe.Pointer(deep))
	var text *C.char
	if len(src) > 0 {
		text = (*C.char)(unsafe.Pointer(&src[0]))
	}
	var m *C.uint32_t
	if len(marks) > 0 {
		m = (*C.uint32_t)(unsafe.Pointer(&marks[0]))
	}
	if C.hive_shallow(c.s, qc, query, deepQuery, *(*C.TSNode)(unsafe.Pointer(root)), (*C.uint8_t)(unsafe.Pointer(&cRoles[0])), C.uint32_t(maxContainers), text, C.uint32_t(len(src)), m, C.uint32_t(len(marks))) != 0 {
		return nil, errors.New("parse: out of memory for the shallow scan")
	}
	if c.s.ncaps == 0 {
		return nil, nil
	}
	return unsafe.Slice((*capture)(unsafe.Pointer(c.s.caps)), c.s.ncaps), nil
}

// operatorOps returns the offsets in offs (ascending, each the start of a
// token size bytes long) whose token is a child of a node of kind kind or
// kind2 (0 is no kind), reusing offs: TypeScript's '?', which the tree
// tells from an optional member's, and Rust's if, which may be a match
// guard's.
func operatorOps(root *ts.Node, offs []uint32, kind, kind2 uint16, size uint32) []uint32 {
	if len(offs) == 0 {
		return offs
	}
	n := C.hive_binary_ops(*(*C.TSNode)(unsafe.Pointer(root)), (*C.uint32_t)(unsafe.Pointer(&offs[0])), C.uint32_t(len(offs)), C.uint16_t(kind), C.uint16_t(kind2), C.uint32_t(size))
	return offs[:n]
}

// capture must be laid out like hive_capture.
var _ = [1]struct{}{}[unsafe.Sizeof(capture{})-unsafe.Sizeof(C.hive_capture{})]
