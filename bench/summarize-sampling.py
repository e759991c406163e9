#!/usr/bin/env python3
"""Turns JMH's text result of SamplingBenchmark (-rf text) into a markdown table with ratios to OSHI's getProcess."""
import re
import sys

rows = {}
for line in open(sys.argv[1]):
    m = re.match(r'^SamplingBenchmark\.(\w+)(:gc\.alloc\.rate\.norm)?\s+(\w+)\s+avgt\s+(\d+)\s+([\d.]+)\s+(?:±\s+([\d.]+)\s+)?(\S+)', line)
    if not m:
        continue
    name, norm, procs, cnt, score, err, unit = m.groups()
    key = (procs, name)
    rows.setdefault(key, {})['alloc' if norm else 'time'] = (float(score), float(err or 0), int(cnt))

order = ['oshiGetProcess', 'oshiUpdateAttributes', 'plainReader', 'vigilOshiFields', 'vigilWithoutPss', 'vigilDefault', 'vigilDefaultAllFresh',
         'vigilAllWithSockets']
for procs in ('sleep', 'jvm'):
    base = rows.get((procs, 'oshiGetProcess'))
    if not base:
        continue
    print(f"\n#### processes = {procs}\n")
    print("| benchmark | µs per process (± 99.9% CI) | time / OSHI getProcess | bytes allocated per process | allocation / OSHI |")
    print("|---|---|---|---|---|")
    for name in order:
        r = rows.get((procs, name))
        if not r or 'time' not in r:
            continue
        t, te, _ = r['time']
        a = r.get('alloc', (float('nan'), 0, 0))[0]
        print(f"| {name} | {t:.1f} ± {te:.1f} | {t / base['time'][0]:.2f} | {a:,.0f} | {a / base['alloc'][0]:.3f} |")
