import re,sys,collections,statistics as st
d=collections.defaultdict(lambda: collections.defaultdict(list))
for line in open(sys.argv[1]):
    m=re.match(r'(\S+) r(\d+) \| (.+?) \| ([\d.]+) \|',line)
    if m: d[m.group(3)][m.group(1)].append(float(m.group(4)))
for k,v in d.items():
    print(f"{k:60s}", "  ".join(f"{s}: {st.median(x):g} ({'/'.join(f'{y:g}' for y in x)})" for s,x in v.items()))
