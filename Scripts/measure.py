#!/usr/bin/env python3
"""Times commands over one corpus and prints posts/s, MB/s and peak memory with min/median/max.

Each --tool is "label=command"; the command's output is discarded. Exit status 1
(candor's "findings" and grep's "no match") counts as success. "steal" is the
largest share of the machine's CPU time its host took for itself during one run
(from /proc/stat): on a virtual machine it makes wall times, and the ratio of
two workers to one most of all, worse than the program is. "cpu s" is the
median CPU time (user and system) the command itself used.
"""
import argparse
import os
import platform
import shlex
import statistics
import subprocess
import time


def cpu_times():
    """The machine's total and stolen CPU ticks so far; zeros where /proc/stat is missing."""
    try:
        with open("/proc/stat") as stat:
            fields = [int(value) for value in stat.readline().split()[1:]]
    except OSError:
        return 0, 0
    return sum(fields[:8]), fields[7] if len(fields) > 7 else 0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", required=True)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--tool", action="append", required=True)
    arguments = parser.parse_args()
    size = os.path.getsize(arguments.corpus)
    with open(arguments.corpus, "rb") as corpus:
        posts = sum(1 for _ in corpus)
    print(f"corpus: {arguments.corpus}, {size / 1e6:.1f} MB, {posts} posts; "
          f"{os.cpu_count()} cores, {platform.platform()}; {arguments.runs} runs each")
    tools = [spec.split("=", 1) for spec in arguments.tool]
    # Runs go round the tools in turn, so a slow minute on a shared machine
    # falls on every tool alike and the ratios between them hold.
    results = {label: {"times": [], "cpu": [], "peak": 0, "steal": 0.0, "failure": None} for label, _ in tools}
    for _ in range(arguments.runs):
        for label, command in tools:
            result = results[label]
            if result["failure"]:
                continue
            total_before, stolen_before = cpu_times()
            started = time.perf_counter()
            with subprocess.Popen(shlex.split(command), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) as process:
                errors = process.stderr.read()
                # wait4 reports this child's own peak resident set (KiB on Linux) and CPU time.
                _, status, usage = os.wait4(process.pid, 0)
                process.returncode = os.waitstatus_to_exitcode(status)
            result["times"].append(time.perf_counter() - started)
            result["cpu"].append(usage.ru_utime + usage.ru_stime)
            total_after, stolen_after = cpu_times()
            if total_after > total_before:
                result["steal"] = max(result["steal"], (stolen_after - stolen_before) / (total_after - total_before))
            result["peak"] = max(result["peak"], usage.ru_maxrss)
            if process.returncode not in (0, 1):
                result["failure"] = errors.decode().strip().splitlines()[-1][:100] if errors else f"exit {process.returncode}"
    print(f"{'tool':<44} {'min s':>8} {'median s':>9} {'max s':>8} {'cpu s':>7} {'MB/s':>8} {'posts/s':>10} {'peak MB':>8} {'vs candor':>10} {'steal':>6}")
    baseline = None
    for label, _ in tools:
        result = results[label]
        if result["failure"]:
            # A baseline that cannot run is reported, not fatal: the other figures still stand.
            print(f"{label:<44} failed: {result['failure']}")
            continue
        times = result["times"]
        median = statistics.median(times)
        baseline = baseline or median
        print(f"{label:<44} {min(times):>8.2f} {median:>9.2f} {max(times):>8.2f} {statistics.median(result['cpu']):>7.2f} "
              f"{size / 1e6 / median:>8.1f} {posts / median:>10.0f} {result['peak'] / 1024:>8.0f} {median / baseline:>9.2f}x "
              f"{result['steal'] * 100:>5.0f}%")


if __name__ == "__main__":
    main()
