/**
 * Why a process would not start, and what to do about it: a {@link io.github.vigil.diagnosis.Diagnosis}
 * is an ordered list of {@link io.github.vigil.diagnosis.Finding}s, the most likely cause first, made
 * when a run could not start or died within its startup grace, and on demand
 * ({@link io.github.vigil.ProcessController#diagnose()}). What a process declares for it (its
 * configuration files, a configuration check such as {@code nginx -t}, its ports) is a
 * {@link io.github.vigil.diagnosis.DiagnosisSpec}.
 */
@NullMarked
package io.github.vigil.diagnosis;

import org.jspecify.annotations.NullMarked;
