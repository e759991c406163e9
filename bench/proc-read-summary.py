#!/usr/bin/env python3
"""Per-process figures of ProcReadBenchmark from JMH's JSON results (-rf json), robust to the load spikes of a shared
machine: for sample mode (-bm sample), the fastest op, the median op, and the median and min of the measurement
iterations' medians (the mean is shown too, but a preempted op of milliseconds moves it); for the once-a-second
benchmarks (single shot, a round of 100 processes per iteration), the median, quartiles and min of the rounds, divided
by 100. Usage: bench/proc-read-summary.py RESULT.json..."""
import json
import statistics
import sys


def median_of(histogram):
    points = sorted(histogram)
    half = sum(c for _, c in points) / 2
    seen = 0
    for value, count in points:
        seen += count
        if seen >= half:
            return value
    return float('nan')


for path in sys.argv[1:]:
    print(path)
    for b in json.load(open(path)):
        m = b['primaryMetric']
        name = b['benchmark'].split('.')[-1]
        if b['mode'] == 'sample':
            medians = [median_of(it) for fork in m['rawDataHistogram'] for it in fork]
            p = m['scorePercentiles']
            print(f"  {name:17s} op: fastest {p['0.0']:6.2f} median {p['50.0']:6.2f} p90 {p['90.0']:6.2f} µs;"
                  f" iteration medians: median {statistics.median(medians):6.2f} min {min(medians):6.2f}"
                  f" max {max(medians):6.2f} (n={len(medians)}); mean {m['score']:7.2f} ± {m['scoreError']:6.2f}")
        elif b['mode'] == 'ss':
            rounds = sorted(v / 100 for fork in m['rawData'] for v in fork)
            q = lambda f: rounds[int(f * (len(rounds) - 1))]
            print(f"  {name:17s} per process: median {statistics.median(rounds):6.2f} quartiles {q(0.25):6.2f} to"
                  f" {q(0.75):6.2f} min {rounds[0]:6.2f} µs (n={len(rounds)}); mean {m['score'] / 100:7.2f}"
                  f" ± {m['scoreError'] / 100:6.2f}")
