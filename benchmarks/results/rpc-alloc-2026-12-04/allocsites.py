#!/usr/bin/env python3
"""Allocation samples of a JFR recording (jdk.ObjectAllocationSample), by class and by the first frame of
camel-iotmp or Camel on the stack (else the top frame), as shares of the sampled bytes.

usage: allocsites.py RECORDING.jfr [TOP]"""
import collections
import json
import subprocess
import sys

jfr, top = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 40
events = json.loads(subprocess.run(["jfr", "print", "--json", "--events", "jdk.ObjectAllocationSample", jfr],
                                   check=True, capture_output=True, text=True).stdout)["recording"]["events"]
sites = collections.Counter()
total = 0
for e in events:
    v = e["values"]
    total += v["weight"]
    frames = v["stackTrace"]["frames"] if v["stackTrace"] else []
    names = [f["method"]["type"]["name"].replace("/", ".") + "." + f["method"]["name"] + ":" + str(f["lineNumber"])
             for f in frames]
    ours = next((n for n in names if n.startswith("io.cameliotmp") or n.startswith("org.apache.camel")),
                names[0] if names else "?")
    cls = v["objectClass"]["name"].replace("/", ".").split("+0x")[0]
    sites[(cls, ours)] += v["weight"]
print(f"{len(events)} samples, {total / 1e6:.0f} MB sampled weight")
for (cls, site), w in sites.most_common(top):
    print(f"{w / total * 100:5.1f}%  {cls}  <  {site}")
