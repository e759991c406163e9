/**
 * Pure-Java readers of {@code /proc} and of kernel log lines: no JNA, testable with fixtures on any
 * operating system. Readers take an injectable root ({@code /proc} by default).
 */
@NullMarked
package io.github.vigil.linux.proc;

import org.jspecify.annotations.NullMarked;
