#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# A --prefix install stays inside its prefix.  Configures a distributed copy
# (make distdir) with --prefix=TMP/x, installs its data files (the bash
# completion, man pages, suites, SDK header and its COPYING.MIT, .pc and
# example; the programs add nothing to the question and would take a full
# build) and checks that the completion lands in
# TMP/x/share/bash-completion/completions, nothing lands outside the prefix
# and "make uninstall" leaves nothing behind.
# A stand-in bash-completion.pc names a "system" directory under TMP, so the
# check holds whether or not bash-completion is installed, and a regression
# writes into TMP, never into /usr.  Finally --with-bash-completion-dir=DIR
# must still win.
set -u
builddir=$PWD
[ -f "$builddir/config.status" ] || {
  echo "run from the build directory (make check)" >&2
  exit 99
}
# A make started from a test is not part of the parent make's jobserver.
unset MAKEFLAGS MFLAGS MAKELEVEL DESTDIR
tmp=$(mktemp -d "${TMPDIR:-/tmp}/concbench-prefix.XXXXXX") || exit 99
trap 'chmod -R u+w "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
copy=$tmp/copy prefix=$tmp/x system=$tmp/system
completion=share/bash-completion/completions/concbench

fail() {
  echo "FAIL: $*" >&2
  exit 1
}
run() { # COMMAND...: runs it quietly, shows its log when it fails
  "$@" >"$tmp/log" 2>&1
  status=$?
  [ "$status" -eq 0 ] || {
    tail -n 40 "$tmp/log" >&2
    fail "$* exited with status $status"
  }
}
files_under() { # DIR: every file or symlink below DIR, one per line
  [ -d "$1" ] && find "$1" \( -type f -o -type l \) -print | sort
}

mkdir "$tmp/pc" || exit 99
cat >"$tmp/pc/bash-completion.pc" <<EOF
prefix=/usr
completionsdir=$system/bash-completion/completions
Name: bash-completion
Description: stand-in whose directory lies outside the prefix under test
Version: 2.11
EOF
PKG_CONFIG_PATH=$tmp/pc${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}
export PKG_CONFIG_PATH

run make -C "$builddir" distdir distdir="$copy"
cd "$copy" || exit 99
run ./configure --prefix="$prefix" --disable-dependency-tracking
echo "ok: configured a distributed copy with --prefix=$prefix"

run make install-data DESTDIR="$tmp/stage"
outside=$(files_under "$tmp/stage" | grep -v "^$tmp/stage$prefix/")
[ -z "$outside" ] || fail "installed outside the prefix $prefix:
$outside"
echo "ok: make install-data DESTDIR=... puts nothing outside the prefix"

run make install-data
[ -f "$prefix/$completion" ] || fail "no $prefix/$completion; installed:
$(files_under "$prefix")"
[ ! -e "$system" ] || fail "installed into bash-completion.pc's directory:
$(files_under "$system")"
echo "ok: the completion is installed as $prefix/$completion"
[ -f "$prefix/share/doc/concbench/COPYING.MIT" ] ||
  fail "the SDK's MIT licence text is not in $prefix/share/doc/concbench"
echo "ok: the SDK's licence text is installed as share/doc/concbench/COPYING.MIT"

# automake's uninstall rule for programs cds into each program directory
# that a full install would have made: bindir, and pkglibexecdir for
# concbench-worker.
mkdir -p "$prefix/bin" "$prefix/libexec/concbench" || exit 99
run make uninstall
left=$(files_under "$prefix")
[ -z "$left" ] || fail "make uninstall left:
$left"
echo "ok: make uninstall removes everything it installed"

run ./configure --prefix="$prefix" --disable-dependency-tracking \
  --with-bash-completion-dir="$tmp/elsewhere"
run make install-data
[ -f "$tmp/elsewhere/concbench" ] ||
  fail "--with-bash-completion-dir=$tmp/elsewhere: no completion there"
[ ! -e "$prefix/$completion" ] ||
  fail "--with-bash-completion-dir: the completion is also in $prefix"
echo "ok: --with-bash-completion-dir=DIR installs the completion in DIR"
