/**
 * The {@code vigil} command line: reads a Vigil journal (a SQLite file or a PostgreSQL database) and prints
 * status, history, restart and crash reports and events, as tables for people or {@code --json} for scripts.
 */
@NullMarked
package io.github.vigil.cli;

import org.jspecify.annotations.NullMarked;
