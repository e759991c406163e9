package io.github.vigil.diagnosis;

import static java.util.Objects.requireNonNull;

import io.github.vigil.ProcessSample;

/**
 * One member of a supervised process's tree, with its own resources: the process itself or a living
 * descendant ({@link io.github.vigil.ProcessController#tree()}).
 *
 * <p>Immutable and thread-safe.
 *
 * @param pid its pid
 * @param parentPid its parent's pid; 0 when unknown
 * @param depth 0 for the supervised process, 1 for its children, and so on
 * @param commandLine its command line, arguments joined by spaces; empty when unknown
 * @param sample its own resources (not summed with its descendants'), as the backend's sampler reads them
 */
public record TreeMember(long pid, long parentPid, int depth, String commandLine, ProcessSample sample) {
  public TreeMember {
    requireNonNull(commandLine, "commandLine");
    requireNonNull(sample, "sample");
  }
}
