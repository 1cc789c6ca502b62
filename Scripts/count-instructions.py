#!/usr/bin/env python3
"""Instructions per post, by kind of post, counted by valgrind's callgrind.

Wall times on a shared machine swing by more than most changes are worth;
instruction counts do not. The posts of a corpus are split by what candor's
own JSONL report says of them: quiet (no relationship, disclosure or finding,
and no URL), with a link but no relationship, and with a relationship. Each
kind is audited alone by one worker under callgrind, N posts and then 2N:
the difference, over N, is what one more post costs, with every one-time
cost (start-up, JIT compilation, the literal filter's build) taken out.

Usage: Scripts/count-instructions.py CANDOR CORPUS.jsonl [N=2500]
"""
from concurrent.futures import ThreadPoolExecutor
import json
import os
import re
import subprocess
import sys
import tempfile


# A copy of the binary outside the repository looks for its rules here.
ENVIRONMENT = dict(os.environ, CANDOR_RULES=os.environ.get(
    "CANDOR_RULES", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Rules")))


def refs(candor, path):
    """Instructions callgrind counts for one single-worker audit of `path`."""
    run = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
                          candor, "audit", "--format", "jsonl", "--jobs", "1", path],
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=ENVIRONMENT)
    found = re.search(r"I\s+refs:\s+([\d,]+)", run.stderr)
    if not found:
        sys.exit(f"count-instructions: no count from valgrind:\n{run.stderr[-2000:]}")
    return int(found.group(1).replace(",", ""))


def main():
    candor, corpus = sys.argv[1], sys.argv[2]
    count = int(sys.argv[3]) if len(sys.argv) > 3 else 2500
    with open(corpus, "rb") as file:
        lines = [line for line in file.read().split(b"\n") if line.strip()]
    with tempfile.TemporaryDirectory() as folder:
        def write(name, posts):
            path = os.path.join(folder, name)
            with open(path, "wb") as file:
                file.write(b"\n".join(posts) + b"\n" if posts else b"")
            return path
        # This valgrind cannot read the debug information Swift writes: a copy without it.
        stripped = os.path.join(folder, "candor")
        subprocess.run(["strip", "--strip-debug", "-o", stripped, candor], check=True)
        candor = stripped
        # candor exits 1 when it reports findings, as it does here.
        run = subprocess.run([candor, "audit", "--format", "jsonl", write("all.jsonl", lines)],
                             capture_output=True, text=True, env=ENVIRONMENT)
        report = run.stdout.splitlines()
        if len(report) != len(lines):
            sys.exit(f"count-instructions: {len(report)} reports for {len(lines)} lines\n{run.stderr[-2000:]}")
        kinds = {"quiet": [], "with a link": [], "with a relationship": []}
        for line, text in zip(lines, report):
            audited = json.loads(text)
            if audited["relationships"]:
                kinds["with a relationship"].append(line)
            elif not audited["disclosures"] and not audited["findings"]:
                has_url = re.search(rb"https?://|www\.", line, re.IGNORECASE)
                kinds["with a link" if has_url else "quiet"].append(line)
        jobs = {"start-up": write("empty.jsonl", [])}
        for number, (kind, posts) in enumerate(kinds.items()):
            if len(posts) < 2 * count:
                sys.exit(f"count-instructions: only {len(posts)} posts {kind}, {2 * count} needed")
            jobs[(kind, 1)] = write(f"{number}-1.jsonl", posts[:count])
            jobs[(kind, 2)] = write(f"{number}-2.jsonl", posts[:2 * count])
        # Two at a time: callgrind runs one thread, and the machine has at least two cores.
        with ThreadPoolExecutor(max_workers=max(1, min(2, os.cpu_count() or 1))) as pool:
            counted = dict(zip(jobs, pool.map(lambda path: refs(candor, path), jobs.values())))
        print(f"start-up (empty input): {counted['start-up'] / 1e6:.1f} M instructions")
        for kind in kinds:
            extra = (counted[(kind, 2)] - counted[(kind, 1)]) / count
            print(f"one more post {kind}: {extra / 1e3:.1f} k instructions (posts {count + 1} to {2 * count})")

if __name__ == "__main__":
    main()
