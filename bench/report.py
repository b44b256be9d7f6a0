"""TSV from parse_wrk.py on stdin -> the table, with each endpoint's ratio to the baseline and
its target (pages at least 50% of the baseline, the short-link redirect 70%, the library 25%,
the download redirect, the sales page, the support inbox and a support thread 40%; the webhook
endpoint an absolute 800 new events per second with p99 under 25 ms).

The baseline is measured before every endpoint and once after the last: an endpoint's ratio is
to the mean of the two baseline runs around it, so that the machine's drift over a run does not
decide which side of a target an endpoint lands on."""

import sys

TARGETS = {
    "short-link redirect": 0.70,
    "library (1,000 owned)": 0.25,
    "download redirect (S3)": 0.40,
    "sales page (5,000 sales)": 0.40,
    "inbox (201 requests)": 0.40,
    "thread (20 messages)": 0.40,
}
ABSOLUTE = {"webhook (new events)": (800, 25.0)}  # (requests/s at least, p99 ms under)
rows = [line.rstrip("\n").split("\t") for line in sys.stdin if line.strip()]


def around(index: int) -> float:
    """The mean of the nearest baseline runs before and after row `index`."""
    before = [float(r[1]) for r in rows[:index] if r[0] == "baseline"][-1:]
    after = [float(r[1]) for r in rows[index + 1 :] if r[0] == "baseline"][:1]
    found = before + after
    return sum(found) / len(found)


baselines = [float(r[1]) for r in rows if r[0] == "baseline"]
print(f"{'endpoint':<24}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'ratio':>8}{'target':>8}  status")
print(
    f"{'baseline':<24}{sum(baselines) / len(baselines):>9.0f}{'':>26}{'':>8}  "
    f"{len(baselines)} runs, {min(baselines):.0f} to {max(baselines):.0f} req/s"
)
for index, (name, rps, p50, p99, errors) in enumerate(rows):
    if name == "baseline":
        continue
    if name in ABSOLUTE:
        least, under = ABSOLUTE[name]
        ratio, shown = "", ""
        verdict = f">= {least}/s: " + ("met" if float(rps) >= least else "missed")
        verdict += f", p99 < {under:.0f} ms: " + ("met" if float(p99) < under else "missed")
    else:
        target = TARGETS.get(name, 0.50)
        value = float(rps) / around(index)
        ratio, shown = f"{value:.0%}", f"{target:.0%}"
        verdict = "met" if value >= target else f"gap {target - value:.0%}"
    if errors != "0":
        verdict += f" ({errors} non-2xx/3xx or timed out)"
    figures = f"{float(rps):>9.0f}{float(p50):>9.2f}{float(p99):>9.2f}{ratio:>8}{shown:>8}"
    print(f"{name:<24}{figures}  {verdict}")
