/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The item server, concbench-worker's --serve mode (see item-server.c). */
#pragma once

/* argv: the program, "--serve", optionally "--result-fd=N" and, for an
 * open-loop row, "--rate=R", "--arrivals=KIND" and "--arrival-seed=N".  Serves the
 * recipe and tasks on standard input until it ends; returns the exit
 * status: 0, or 1 for a failed item or workload, 2 for a malformed message
 * or command line. */
int cb_item_server_main (int argc, char **argv);
