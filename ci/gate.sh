#!/usr/bin/env bash
# ci/gate.sh BASE_REF [HEAD_REF] [OUT_DIR]
#
# Builds hive at two git refs (each in a temporary worktree: the caller's
# checkout is never touched) and runs the same-job interleaved A/B gate:
#
#   hivebench gate --base-bin BASE --head-bin HEAD
#
# writing OUT_DIR/gate.md (Markdown summary, regressions first),
# OUT_DIR/gate.junit.xml and OUT_DIR/report.html. HEAD_REF defaults to HEAD,
# OUT_DIR to gate-out/. The gate's exit code passes through:
#   0 no significant regression, 1 regression or missed target,
#   2 bad usage, 3 infrastructure failure (a build or a binary failed).
# Extra flags for hivebench gate go in HIVE_GATE_FLAGS, e.g.
#   HIVE_GATE_FLAGS="--metrics startup,database --time-budget 5m" ci/gate.sh origin/main
set -euo pipefail

if [ $# -lt 1 ] || [ $# -gt 3 ]; then
  echo "usage: ci/gate.sh BASE_REF [HEAD_REF] [OUT_DIR]" >&2
  exit 2
fi
base_ref=$1
head_ref=${2:-HEAD}
out_dir=${3:-gate-out}

repo=$(git rev-parse --show-toplevel)
cd "$repo"
for ref in "$base_ref" "$head_ref"; do
  git rev-parse --verify --quiet "$ref^{commit}" >/dev/null || { echo "ci/gate.sh: $ref is not a commit in $repo" >&2; exit 2; }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/hive-gate.XXXXXX")
cleanup() {
  for wt in "$work/base" "$work/head"; do
    [ -d "$wt" ] && git worktree remove --force "$wt" >/dev/null 2>&1 || true
  done
  rm -rf "$work"
}
trap cleanup EXIT

build() { # build NAME REF: hive (and hivebench for head) at REF into $work/bin
  local name=$1 ref=$2 wt="$work/$1"
  git worktree add --detach --quiet "$wt" "$ref"
  mkdir -p "$work/bin"
  local commit; commit=$(git -C "$wt" rev-parse HEAD)
  # buildinfo was under engine/ before it moved to internal/; -X of a symbol
  # that a ref does not have is ignored, so both paths serve old and new refs.
  local ldflags="" bi
  for bi in internal/buildinfo engine/buildinfo; do
    ldflags="$ldflags -X github.com/hiveperf/hive/$bi.Commit=$commit -X github.com/hiveperf/hive/$bi.Version=$name"
  done
  if ! (cd "$wt" && go build -tags sqlite_fts5 -trimpath -ldflags "$ldflags" -o "$work/bin/hive-$name" ./cmd/hive); then
    echo "ci/gate.sh: building hive at $ref failed" >&2; exit 3
  fi
  if [ "$name" = head ]; then
    # The harness comes from the head ref: the change under test may improve it.
    if ! (cd "$wt" && go build -tags sqlite_fts5 -trimpath -o "$work/bin/hivebench" ./cmd/hivebench); then
      echo "ci/gate.sh: building hivebench at $ref failed" >&2; exit 3
    fi
  fi
}
echo "ci/gate.sh: building base $base_ref and head $head_ref" >&2
build base "$base_ref"
build head "$head_ref"

mkdir -p "$out_dir"
set +e
# shellcheck disable=SC2086 # HIVE_GATE_FLAGS is a list of flags
"$work/bin/hivebench" gate \
  --base-bin "$work/bin/hive-base" --head-bin "$work/bin/hive-head" \
  --out "$out_dir" --md "$out_dir/gate.md" --junit "$out_dir/gate.junit.xml" --html "$out_dir/report.html" \
  ${HIVE_GATE_FLAGS:-}
code=$?
set -e
echo "ci/gate.sh: gate exit code $code; summary in $out_dir/gate.md" >&2
exit $code
