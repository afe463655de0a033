#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The man pages must format without a single warning: groff -ww, else
# mandoc -T lint; skipped (exit 77) when neither is installed.
set -u
doc="${CONCBENCH_SRCDIR:?run with make check}/doc"
status=0
if command -v groff >/dev/null 2>&1; then
  for page in "$doc/concbench.1" "$doc/concbench-plugin.7"; do
    out=$(LC_ALL=C groff -ww -z -man "$page" 2>&1)
    if [ $? -ne 0 ] || [ -n "$out" ]; then
      printf 'groff -ww -z -man %s:\n%s\n' "$page" "$out" >&2
      status=1
    else
      echo "ok: groff -ww $page"
    fi
  done
elif command -v mandoc >/dev/null 2>&1; then
  for page in "$doc/concbench.1" "$doc/concbench-plugin.7"; do
    if mandoc -T lint -W warning "$page"; then
      echo "ok: mandoc -T lint $page"
    else
      status=1
    fi
  done
else
  echo "neither groff nor mandoc is installed: skipped"
  exit 77
fi
exit $status
