/**
 * Pure-Java readers of {@code /proc} and of kernel log lines: no JNA, testable with fixtures on any
 * operating system. Readers take an injectable root ({@code /proc} by default).
 * {@link io.github.vigil.linux.proc.ProcSampler} samples a process, a process tree or a group (CPU,
 * memory, I/O, faults, context switches, descriptors, threads, sockets, zombie children); its parsers
 * work on bytes in reused buffers. {@link io.github.vigil.linux.proc.ProcTable} lists the machine's processes (name,
 * start time, command line) for attaching to processes Vigil did not start.
 */
@NullMarked
package io.github.vigil.linux.proc;

import org.jspecify.annotations.NullMarked;
