"""One wrk --latency report on stdin -> one TSV line: name, requests/s, p50 ms, p99 ms, errors."""

import re
import sys


def ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


report = sys.stdin.read()
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", report)[1])
p50 = ms(re.search(r"^\s+50%\s+(\S+)", report, re.M)[1])
p99 = ms(re.search(r"^\s+99%\s+(\S+)", report, re.M)[1])
errors = re.search(r"Non-2xx or 3xx responses: (\d+)", report)
timeouts = re.search(r"timeout (\d+)", report)
if timeouts and timeouts[1] != "0":
    errors = (None, str(int(errors[1] if errors else 0) + int(timeouts[1])))
print(f"{sys.argv[1]}\t{rps:.0f}\t{p50:.2f}\t{p99:.2f}\t{errors[1] if errors else 0}")
