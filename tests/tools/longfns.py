#!/usr/bin/env python3
"""Count C functions longer than 80 lines under src/ (top-level '{' at column 0 to '}' at column 0)."""
import glob,sys,re
root=sys.argv[1] if len(sys.argv)>1 else '.'
n=0;rows=[]
for f in sorted(glob.glob(root+'/src/**/*.c',recursive=True)):
    lines=open(f,errors='replace').read().split('\n')
    start=None
    for i,l in enumerate(lines):
        if l.startswith('{') and start is None:
            start=i
        elif l.startswith('}') and start is not None:
            ln=i-start+1
            if ln>80:
                n+=1;rows.append((ln,f,start))
            start=None
for r in sorted(rows,reverse=True): print(*r)
print('functions over 80 lines:',n)
