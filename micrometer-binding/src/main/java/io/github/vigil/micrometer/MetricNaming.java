package io.github.vigil.micrometer;

/**
 * How {@link VigilMetrics} names the meters it reads from process samples.
 *
 * <p>Meters that only Vigil has (up, state, health, restarts, exit code, uptime, time to recover,
 * restart latency, processes by state) are named {@code vigil.*} with the tag {@code process} in both
 * styles.
 *
 * <p>Thread-safe: an enum.
 */
public enum MetricNaming {

  /**
   * Micrometer's conventions: {@code vigil.process.cpu.time}, {@code vigil.process.memory}, … with the
   * tag {@code process} for the process name and base units set, so every registry renders them its
   * own way (Prometheus: {@code vigil_process_cpu_time_seconds_total{process="quote-feed",mode="user"}}).
   */
  MICROMETER,

  /**
   * The names and labels of <a href="https://github.com/ncabatoff/process-exporter">prometheus
   * process-exporter</a>, so that its dashboards and alerts work unchanged on a Prometheus scrape:
   * {@code namedprocess_namegroup_cpu_seconds_total{groupname="quote-feed",mode="user"}},
   * {@code namedprocess_namegroup_memory_bytes{groupname=…,memtype="resident"}} (from {@code stat}'s rss, the
   * exporter's own source, not the exact {@code VmRSS} of Micrometer naming), {@code …_num_procs},
   * {@code …_open_filedesc}, {@code …_worst_fd_ratio}, {@code …_num_threads}, {@code …_states{state=…}},
   * {@code …_context_switches_total{ctxswitchtype=…}}, {@code …_major_page_faults_total},
   * {@code …_minor_page_faults_total}, {@code …_read_bytes_total}, {@code …_write_bytes_total},
   * {@code …_oldest_start_time_seconds}, and the counters {@code namedprocess_scrape_errors} and
   * {@code namedprocess_scrape_procread_errors} (which Micrometer's Prometheus registry renders with the
   * {@code _total} suffix it gives every counter, where the exporter has none). The group name is the process
   * name; a supervised process's group is its process tree, as process-exporter's {@code -children} default.
   * Every value is within one sample interval of fresh by default ({@link VigilMetrics.Builder#maxAge}).
   *
   * <p>Not published, because process samples do not carry them: the per-thread-name
   * {@code namedprocess_namegroup_thread_*} series, {@code …_threads_wchan},
   * {@code …_memory_bytes{memtype="proportionalSwapped"}} and {@code namedprocess_scrape_partial_errors}.
   */
  PROCESS_EXPORTER
}
