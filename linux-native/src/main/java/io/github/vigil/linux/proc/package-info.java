/**
 * Pure-Java readers of Linux's {@code /proc}: {@link io.github.vigil.linux.proc.ProcSampler} samples
 * a process, a process tree or a group (CPU, memory, I/O, faults, context switches, descriptors,
 * threads, sockets, zombie children). Parsers work on bytes in reused buffers, take an injectable
 * {@code procRoot}, and need no native code, so they are tested with fixtures on any operating system.
 */
@NullMarked
package io.github.vigil.linux.proc;

import org.jspecify.annotations.NullMarked;
