package io.github.vigil.bench;

import io.github.vigil.ProcessSample;
import io.github.vigil.ProcessSample.Field;
import io.github.vigil.linux.proc.ProcSampler;
import io.github.vigil.spi.ProcessSampler;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The cost of each sample field at 1,000 processes (issue 18): {@code count} {@code sleep} processes, each field
 * (or group read from the same file) sampled on its own through {@link ProcSampler#sampleTree} as
 * {@code ProcessController.sample(fields)} does, a sampler of its own per field (files kept open after the first
 * round), its clock moved 1 s per round as in a 1 s loop (the slow fields, Pss and the fd limit, re-read once in
 * 10 rounds). The whole list is run twice and the second pass reported, so that the first rows are not charged
 * for compiling the code every row shares. Thread CPU time per round; printed as µs per process and as % of one core for all of them once a
 * second, as a Markdown table.
 *
 * <pre>
 * java -cp bench/target/classes:$(cat classpath.txt) io.github.vigil.bench.FieldCost [count] [rounds]
 * </pre>
 */
public final class FieldCost {
  private FieldCost() {}

  public static void main(String[] args) throws Exception {
    int count = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
    Map<String, Set<Field>> sets = new LinkedHashMap<>();
    sets.put("CPU time (stat)", EnumSet.of(Field.CPU_USER, Field.CPU_SYSTEM, Field.CPU_TOTAL));
    sets.put("CPU time and percent (stat)", EnumSet.of(Field.CPU_USER, Field.CPU_SYSTEM, Field.CPU_TOTAL, Field.CPU_PERCENT));
    sets.put("MEMORY_RESIDENT_STAT (stat)", EnumSet.of(Field.MEMORY_RESIDENT_STAT));
    sets.put("THREADS (stat)", EnumSet.of(Field.THREADS));
    sets.put("MEMORY_RESIDENT, exact (statm)", EnumSet.of(Field.MEMORY_RESIDENT));
    sets.put("MEMORY_SWAPPED (status)", EnumSet.of(Field.MEMORY_SWAPPED));
    sets.put("context switches (status)", EnumSet.of(Field.VOLUNTARY_SWITCHES, Field.INVOLUNTARY_SWITCHES));
    sets.put("READ_BYTES, WRITE_BYTES (io)", EnumSet.of(Field.READ_BYTES, Field.WRITE_BYTES));
    sets.put("OPEN_FDS (fd/)", EnumSet.of(Field.OPEN_FDS));
    sets.put("FD_LIMIT (limits, every 10 s)", EnumSet.of(Field.FD_LIMIT));
    sets.put("MEMORY_PROPORTIONAL (smaps_rollup, every 10 s)", EnumSet.of(Field.MEMORY_PROPORTIONAL));
    sets.put("CPU + exact resident memory (a resource rule's)", Scale.METRIC_FIELDS);
    sets.put("DEFAULT_FIELDS (the files of the Micrometer binding with every meter kept)", ProcessSampler.DEFAULT_FIELDS);
    // what the binding reads with the meters of status, io, fd/ and limits denied by a MeterFilter (micrometer-binding README)
    sets.put("the Micrometer binding, status/io/fd meters denied (stat, statm)", EnumSet.of(Field.CPU_USER, Field.CPU_SYSTEM,
        Field.CPU_TOTAL, Field.CPU_PERCENT, Field.MEMORY_RESIDENT, Field.THREADS, Field.THREAD_STATES, Field.PROCESS_STATES,
        Field.PROCESSES, Field.START_TIME));
    List<Process> started = new ArrayList<>();
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    StringBuilder out = new StringBuilder();
    out.append("| fields (file) | µs per process, median of ").append(rounds).append(" rounds | min | max | % of one core for ")
        .append(count).append(" every second |\n|---|---|---|---|---|\n");
    try {
      for (int i = 0; i < count; i++) {
        started.add(new ProcessBuilder("/bin/sleep", "100900").start());
      }
      long[] pids = started.stream().mapToLong(Process::pid).toArray();
      // one pass unmeasured first, so that no row is charged for compiling the code the others share
      for (int pass = 0; pass < 2; pass++) {
      for (Map.Entry<String, Set<Field>> e : sets.entrySet()) {
        long[] clock = {0};
        ProcSampler sampler = ProcSampler.builder().ticker(() -> clock[0]).build();
        ProcessSample[] previous = new ProcessSample[count];
        double[] perProcess = new double[rounds];
        for (int r = -3; r < rounds; r++) {
          clock[0] += 1_000_000_000L;
          long c0 = mx.getCurrentThreadCpuTime();
          for (int i = 0; i < count; i++) {
            ProcessSample s = sampler.sampleTree(pids[i], e.getValue(), previous[i]);
            if (s.vanished()) {
              throw new IllegalStateException("process " + pids[i] + " vanished");
            }
            previous[i] = s;
          }
          long c1 = mx.getCurrentThreadCpuTime();
          if (r >= 0) {
            perProcess[r] = (c1 - c0) / 1000.0 / count;
          }
        }
        sampler.close();
        if (pass == 0) {
          continue;
        }
        Stats st = Stats.of(perProcess);
        out.append(String.format(Locale.ROOT, "| %s | %.1f | %.1f | %.1f | %.2f %% |%n", e.getKey(), st.median(), st.min(), st.max(),
            st.median() * count / 1e4));
      }
      }
    } finally {
      for (Process p : started) {
        p.destroyForcibly();
      }
      for (Process p : started) {
        p.waitFor();
      }
    }
    System.out.print(out);
    System.exit(0);
  }
}
