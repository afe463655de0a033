#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Every option `concbench --help` prints must be documented in concbench(1).
# Needs only sed and grep; reads the man page from the source tree.
set -u
page="${CONCBENCH_SRCDIR:?run with make check}/doc/concbench.1"
help=$("${CONCBENCH:?run with make check}" --help) || {
  echo "concbench --help failed" >&2
  exit 1
}
# The page as plain text: "\-" is "-", font escapes and "\c" vanish.
text=$(sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' -e 's/\\c//g' "$page")

longs=$(printf '%s\n' "$help" |
  sed -n 's/^ *\(-[A-Za-z0-9], \)\{0,1\}\(--[A-Za-z0-9][A-Za-z0-9-]*\).*/\2/p')
shorts=$(printf '%s\n' "$help" | sed -n 's/^ *\(-[A-Za-z0-9]\), --.*/\1/p')
[ -n "$longs" ] || {
  echo "found no option in concbench --help" >&2
  exit 1
}

missing=0
checked=0
for opt in $longs $shorts; do
  checked=$((checked + 1))
  if printf '%s\n' "$text" | grep -Eq -- "(^|[^A-Za-z0-9-])$opt([^A-Za-z0-9-]|\$)"; then
    echo "ok: $opt"
  else
    echo "MISSING from doc/concbench.1: $opt" >&2
    missing=$((missing + 1))
  fi
done
echo "$checked options checked, $missing missing"
[ "$missing" -eq 0 ]
