#!/usr/bin/env python3
"""Instructions per call of the functions matching a pattern, from a callgrind output file.

Wall-clock frame figures on a shared 2-core machine move by 15-25 % between runs; instruction
counts do not, so "did this commit make a frame slower" is answered with them:

    valgrind --tool=callgrind --toggle-collect='criterion::bencher::Bencher*' \
        --callgrind-out-file=cg.out target/release/deps/frames-HASH \
        --bench '^resources_frame_200x60$' --profile-time 3
    benches/callgrind_per_call.py cg.out '^allot::ui::render$'

Prints inclusive instructions, calls, and instructions per call for each matching callee.
"""
import collections
import re
import sys


def main(path, pattern):
    names = {}
    calls = collections.Counter()
    inclusive = collections.Counter()
    callee = None
    pending = None
    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            m = re.match(r"^(c?fn)=\((\d+)\)(?: (.*))?$", line)
            if m:
                kind, ident, name = m.groups()
                if name:
                    names[ident] = name
                if kind == "cfn":
                    callee = names.get(ident, ident)
                continue
            m = re.match(r"^calls=(\d+)", line)
            if m:
                pending = int(m.group(1))
                continue
            if pending is not None:
                parts = line.split()
                if len(parts) >= 2:
                    calls[callee] += pending
                    inclusive[callee] += int(parts[1])
                pending = None
    for name in sorted(inclusive, key=lambda k: -inclusive[k]):
        if re.search(pattern, name):
            per = inclusive[name] // max(calls[name], 1)
            print(f"{inclusive[name]:>15,} {calls[name]:>8} {per:>12,}  {name[:150]}")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: callgrind_per_call.py CALLGRIND_OUT PATTERN")
    main(sys.argv[1], sys.argv[2])
