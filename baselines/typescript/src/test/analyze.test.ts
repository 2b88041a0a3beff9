// analyze over a tree of Go and C files: the counts on stdout, one line
// per file in --files-out, and the rows in SQLite are what hive's analyzer
// finds in the same files (functions, methods with their receiver,
// imports, lines, complexity).
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import Database from "better-sqlite3";
import { run, scratch } from "./helpers";

const GO = `package demo

import (
	"fmt"
	"os"
)

// Server serves.
type Server struct{ n int }

type Namer interface{ Name() string }

func (s *Server) Serve(x int) error {
	if x > 0 && s.n > 0 {
		return nil
	}
	for i := 0; i < x; i++ {
		fmt.Println(i)
	}
	return os.ErrClosed
}

func helper() {}
`;

const C = `#include <stdio.h>
#include "local.h"

/* a comment */
struct point { int x; int y; };

enum color { RED, GREEN };

static int add(int a, int b) {
	if (a > b) return a;
	while (b--) a++;
	return a + b;
}

int main(void) { return add(1, 2); }
`;

test("analyze Go and C: counts, per-file lines and the store", () => {
  const dir = scratch();
  const tree = path.join(dir, "tree");
  fs.mkdirSync(path.join(tree, ".git"), { recursive: true });
  fs.writeFileSync(path.join(tree, "demo.go"), GO);
  fs.writeFileSync(path.join(tree, "main.c"), C);
  fs.writeFileSync(path.join(tree, "README.md"), "not source\n");
  fs.writeFileSync(path.join(tree, ".git", "x.go"), "package vcs\n");
  const db = path.join(dir, "a.db");
  const filesOut = path.join(dir, "files.ndjson");

  const r = run("analyze.js", ["--db", db, "--files-out", filesOut, tree]);
  assert.equal(r.code, 0, r.stderr);
  const summary = JSON.parse(r.stdout);
  assert.deepEqual(summary, { files: 2, bytes: Buffer.byteLength(GO) + Buffer.byteLength(C), skipped: 0, errors: 0, complete: true });

  const lines = fs.readFileSync(filesOut, "utf8").trim().split("\n").map((l) => JSON.parse(l));
  assert.equal(lines.length, 2);
  const byName = Object.fromEntries(lines.map((l) => [path.basename(l.path), l]));
  for (const l of lines) assert.ok(Number.isInteger(l.latency_us) && l.latency_us > 0, `latency_us of ${l.path}: ${l.latency_us}`);

  const g = byName["demo.go"];
  assert.equal(g.language, "go");
  assert.deepEqual(g.imports, ["fmt", "os"]);
  assert.equal(g.functions, 2);
  assert.equal(g.lines, GO.split("\n").length - 1);
  assert.equal(g.syntax_errors, 0);
  const serve = g.symbols.find((s: any) => s.name === "Serve");
  assert.deepEqual([serve.kind, serve.parent, serve.complexity], ["method", "Server", 4], "if, &&, for: 1 + 3");
  assert.deepEqual(g.symbols.map((s: any) => `${s.kind} ${s.name}`).sort(), ["function helper", "interface Namer", "method Serve", "struct Server"]);

  const c = byName["main.c"];
  assert.equal(c.language, "c");
  assert.deepEqual(c.imports, ["stdio.h", "local.h"]);
  assert.equal(c.functions, 2);
  assert.equal(c.comments, 1);
  assert.deepEqual(c.symbols.map((s: any) => `${s.kind} ${s.name}`).sort(), ["enum color", "function add", "function main", "struct point"]);
  assert.equal(c.symbols.find((s: any) => s.name === "add").complexity, 3, "if, while: 1 + 2");

  const store = new Database(db, { readonly: true });
  try {
    assert.equal((store.prepare("SELECT count(*) AS n FROM files").get() as { n: number }).n, 2);
    assert.equal((store.prepare("SELECT count(*) AS n FROM symbols").get() as { n: number }).n, 8);
    const hit = store.prepare("SELECT s.name FROM symbols_fts JOIN symbols s ON s.id = symbols_fts.rowid WHERE symbols_fts MATCH 'Serv*'").all();
    assert.deepEqual(hit.map((h: any) => h.name).sort(), ["Serve", "Server"]);
  } finally {
    store.close();
  }
});

test("analyze refuses bad arguments with exit 2", () => {
  const r = run("analyze.js", ["--db", path.join(scratch(), "a.db")]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /usage: analyze/);
});
