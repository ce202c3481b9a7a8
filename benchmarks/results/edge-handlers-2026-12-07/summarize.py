"""Medians of the before/after passes of run.sh: serial p50/p99/p99.9 and open-loop p99 at 1000/s and 10,000/s."""
import glob, json, os, statistics, sys

here = os.path.dirname(os.path.abspath(__file__))
rows = {"before": [], "after": []}
for f in sorted(glob.glob(os.path.join(here, "*-*/rpc.json"))):
    side = os.path.basename(os.path.dirname(f)).split("-")[0]
    r = json.load(open(f))["runs"]["camel"][0]
    rows[side].append({"serial p50": r["serial"]["p50us"], "serial p99": r["serial"]["p99us"],
                       "serial p99.9": r["serial"]["p999us"], "1000/s p99": r["rate1000"]["p99us"],
                       "10000/s p99": r["rate10000"]["p99us"]})
print("passes: before %d, after %d (us; median, min-max)" % (len(rows["before"]), len(rows["after"])))
print("| metric | before (c12d5eb6) | after (058792a7) | after / before |")
print("|---|---|---|---|")
for key in rows["before"][0]:
    b = [x[key] for x in rows["before"]]
    a = [x[key] for x in rows["after"]]
    mb, ma = statistics.median(b), statistics.median(a)
    print("| %s | %.1f (%.1f-%.1f) | %.1f (%.1f-%.1f) | %.2f |" % (key, mb, min(b), max(b), ma, min(a), max(a), ma / mb))
