#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Generates configure and Makefile.in from a git checkout; tarballs ship them.
set -e
cd "$(dirname "$0")"
autoreconf --force --install --verbose
