# The C2 deoptimizations (uncommon traps) a -XX:+LogCompilation file records from SINCE seconds of uptime on, each
# with the inlined call chain it threw away (innermost first), for those whose chain holds FILTER.
#   python3 traps.py camel-4.xml 17 cameliotmp
import re, sys
path, since, needle = sys.argv[1], float(sys.argv[2]), (sys.argv[3] if len(sys.argv) > 3 else '')
txt = open(path, errors='replace').read()
for m in re.finditer(r"<uncommon_trap thread='\d+' reason='(\w+)' action='(\w+)'[^>]*compiler='c2'[^>]*stamp='([\d.]+)'>(.*?)</uncommon_trap>", txt, re.S):
    t = float(m.group(3))
    chain = re.findall(r"<jvms bci='(\d+)' method='([^ ']+) ([^ ']+) ", m.group(4))
    names = [f"{c.split('.')[-1]}.{mm}@{b}" for b, c, mm in chain]
    if t >= since and needle in m.group(4):
        print(f"{t:8.3f}s {m.group(1)} ({m.group(2)}): " + ' < '.join(names[:12]))
