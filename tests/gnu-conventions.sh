#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# --help and --version as the GNU coding standards describe them.  --help
# ends with "Report bugs to: <PACKAGE_BUGREPORT>" and "concbench home page:
# <PACKAGE_URL>" (both from AC_INIT) and names every environment variable
# concbench reads, each documented in concbench(1) ENVIRONMENT.  --version
# prints the name and version, then the copyright, licence and no-warranty
# lines.  concbench(1) gives the same release, addresses and copyright years
# as the program, plugin.h, COPYING.MIT and debian/copyright.
set -u
concbench=${CONCBENCH:?run with make check}
src=${CONCBENCH_SRCDIR:?run with make check}
page=$src/doc/concbench.1
failures=0

fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}
has_line() { # TEXT LINE: TEXT has exactly LINE as one of its lines
  printf '%s\n' "$1" | grep -qxF -- "$2"
}
from_makefile() { # VAR: its value in the build directory's Makefile
  sed -n "s/^$1 = //p" Makefile
}

version=$(from_makefile PACKAGE_VERSION)
bugs=$(from_makefile PACKAGE_BUGREPORT)
url=$(from_makefile PACKAGE_URL)
[ -n "$version" ] && [ -n "$bugs" ] && [ -n "$url" ] ||
  fail "AC_INIT must give a version, a bug-report address and a home page (got '$version', '$bugs', '$url')"

help=$("$concbench" --help) || fail "concbench --help exited with status $?"
for line in "Report bugs to: <$bugs>" "concbench home page: <$url>"; do
  if has_line "$help" "$line"; then
    echo "ok: --help says: $line"
  else
    fail "--help lacks the line: $line"
  fi
done
# The variables are the indented upper-case words after "Environment:".
vars=$(printf '%s\n' "$help" |
  sed -n '/^Environment:/,/^[^ ]/s/^  \([A-Z][A-Z0-9_]*\) .*/\1/p')
for var in CONCBENCH_PLUGIN_PATH CONCBENCH_PLUGIN_SYSTEM_PATH NO_COLOR; do
  printf '%s\n' "$vars" | grep -qxF "$var" || fail "--help Environment lacks $var"
done
# concbench(1) documents each under ENVIRONMENT as ".TP" / ".B NAME".
environment=$(sed -n '/^\.SH ENVIRONMENT/,/^\.SH /p' "$page")
for var in $vars; do
  if printf '%s\n' "$environment" | grep -qxF ".B $var"; then
    echo "ok: --help and concbench(1) ENVIRONMENT name $var"
  else
    fail "$var is in --help but not in concbench(1) ENVIRONMENT"
  fi
done

out=$("$concbench" --version) || fail "concbench --version exited with status $?"
first=$(printf '%s\n' "$out" | sed -n 1p)
case $first in
  "concbench $version "* | "concbench $version") echo "ok: --version starts: $first" ;;
  *) fail "--version's first line is not 'concbench $version ...': $first" ;;
esac
years=$(printf '%s\n' "$out" |
  sed -n 's/^Copyright (C) \([0-9][0-9-]*\) The concbench authors\.$/\1/p')
[ -n "$years" ] && echo "ok: --version has the copyright line ($years)" ||
  fail "--version has no 'Copyright (C) YEARS The concbench authors.' line"
for line in \
  "License GPLv3+: GNU GPL version 3 or later <https://gnu.org/licenses/gpl.html>." \
  "This is free software: you are free to change and redistribute it." \
  "There is NO WARRANTY, to the extent permitted by law."; do
  if has_line "$out" "$line"; then
    echo "ok: --version says: $line"
  else
    fail "--version lacks the line: $line"
  fi
done

# The page describes this release, with the same addresses and years.
grep -q "^\.TH CONCBENCH 1 \"[0-9-]*\" \"concbench $version\"" "$page" ||
  fail "concbench(1)'s .TH line does not name concbench $version"
for address in "$bugs" "$url"; do
  grep -qF -- "$address" "$page" || fail "concbench(1) does not give $address"
done
man_years=$(echo "$years" | sed 's/-/\\(en/')
for record in \
  "$page:Copyright \\(co $man_years The concbench authors." \
  "$src/include/concbench/plugin.h:Copyright (C) $years The concbench authors" \
  "$src/COPYING.MIT:Copyright (C) $years The concbench authors" \
  "$src/debian/copyright:Copyright: $years The concbench authors"; do
  file=${record%%:*} text=${record#*:}
  # A release tarball carries no Debian packaging (see licence-records.sh).
  if [ "$file" = "$src/debian/copyright" ] && [ ! -d "$src/debian" ]; then
    echo "ok: no debian/ in this source tree (a release tarball): not checked"
    continue
  fi
  if grep -qsF -- "$text" "$file"; then
    echo "ok: ${file#"$src"/} has: $text"
  else
    fail "${file#"$src"/} lacks: $text"
  fi
done
echo "$failures failures"
[ "$failures" -eq 0 ]
