#!/usr/bin/env python3
"""Median and min of the measurement iterations of SamplingBenchmark from JMH's console log: robust to the load spikes
of a shared machine, unlike the mean. Usage: iteration-medians.py jmh-console.log"""
import re
import statistics
import sys

bench = None
data = {}
for line in open(sys.argv[1]):
    m = re.match(r'# Benchmark: io\.github\.vigil\.bench\.SamplingBenchmark\.(\w+)', line)
    if m:
        bench = [m.group(1), None]
        continue
    m = re.match(r'# Parameters: \(processes = (\w+)\)', line)
    if m and bench:
        bench[1] = m.group(1)
        continue
    m = re.match(r'Iteration\s+\d+:\s+([\d.]+) us/op', line)
    if m and bench:
        data.setdefault((bench[1], bench[0]), []).append(float(m.group(1)))
order = ['oshiGetProcess', 'oshiUpdateAttributes', 'plainReader', 'vigilOshiFields', 'vigilWithoutPss', 'vigilDefault',
         'vigilAllWithSockets']
for procs in ('sleep', 'jvm'):
    base = data.get((procs, 'oshiGetProcess'))
    if not base:
        continue
    b = statistics.median(base)
    print(f"\n#### processes = {procs}: median (min) of the 5 measurement iterations\n")
    print("| benchmark | median µs | min µs | median / OSHI getProcess median |")
    print("|---|---|---|---|")
    for name in order:
        v = data.get((procs, name))
        if v:
            print(f"| {name} | {statistics.median(v):.1f} | {min(v):.1f} | {statistics.median(v) / b:.2f} |")
