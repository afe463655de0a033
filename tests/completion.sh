#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Drives the bash completion function as bash would, and checks what it
# offers for options, plugin names, parameter names and choices.  Skipped
# (exit 77) without bash or bash-completion.
set -u
script="${CONCBENCH_SRCDIR:?run with make check}/completion/concbench"
framework=
for f in /usr/share/bash-completion/bash_completion \
  /usr/local/share/bash-completion/bash_completion \
  /etc/bash_completion; do
  [ -r "$f" ] && { framework=$f; break; }
done
if ! command -v bash >/dev/null 2>&1 || [ -z "$framework" ]; then
  echo "bash or bash-completion is not installed: skipped"
  exit 77
fi

exec bash -c '
set -u
framework=$1 script=$2 concbench=$3
source "$framework" || exit 1
source "$script" || exit 1
compopt() { :; } # only valid inside a real completion
failures=0

# complete LINE: completes the last word of LINE (which may be empty).
complete_line() {
  COMP_LINE=$1
  COMP_POINT=${#COMP_LINE}
  read -ra COMP_WORDS <<<"$COMP_LINE"
  [[ $COMP_LINE == *" " ]] && COMP_WORDS+=("")
  COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
  COMPREPLY=()
  _concbench
  got=" ${COMPREPLY[*]-} "
}
expect() { # LINE WORD...: every WORD is offered
  local line=$1 w
  shift
  complete_line "$line"
  for w in "$@"; do
    if [[ $got != *" $w "* ]]; then
      echo "FAIL: [$line] does not offer \"$w\"; got:$got"
      failures=$((failures + 1))
      return
    fi
  done
  echo "ok: [$line] ->$got"
}
refuse() { # LINE WORD...: no WORD is offered
  local line=$1 w
  shift
  complete_line "$line"
  for w in "$@"; do
    if [[ $got == *" $w "* ]]; then
      echo "FAIL: [$line] offers \"$w\"; got:$got"
      failures=$((failures + 1))
      return
    fi
  done
  echo "ok: [$line] ->$got"
}

c=$concbench
expect "$c --li" --list-plugins= --list-benchmarks
expect "$c --" --workload= --strategy= --param= --plugin-dir= --version
expect "$c -w " api sieve mixed memory
expect "$c -w mixed -p " cpu= cpu-fraction= max-latency=
refuse "$c -w " sequential
expect "$c -s " sequential gmainloop gthreadpool procpool
expect "$c -s gt" gthreadpool
expect "$c --strategy=proc" procpool
expect "$c -s procpool -p " processes= chunk= procpool.chunk=
refuse "$c -s procpool -p " threads= mode=
expect "$c -w sieve -s gmainloop -p " complexity= method= mode=
expect "$c -p mode=" async blocking
expect "$c -w sieve -p method=trial,e" trial,eratosthenes
expect "$c --format " table json csv markdown
expect "$c --list-plugins=" full names
expect "$c comp" compare
expect "$c compare --f" --fail-above=
expect "$c --suite $(dirname "$script")/../suites/def" \
  "$(dirname "$script")/../suites/default.suite"
exit $((failures > 0))
' completion-test "$framework" "$script" "${CONCBENCH:?run with make check}"
