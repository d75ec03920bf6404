"""Summarise a load run (load/run.sh) as Markdown tables with the verdict against the targets.

    .venv/bin/python load/report.py load/results/<timestamp>

Reads the locust CSVs of the run: `ceiling_stats.csv` (ping/), `bench-<endpoint>_stats.csv`
(one public endpoint at full speed each) and `mix_stats.csv` (the four kinds of users), plus
`setup.txt` and `loadavg.txt`. Targets (issue 8): each public list/detail endpoint serves at
least half the ceiling's requests per second; in the mix, p95 ≤ 200 ms per endpoint; no
failures anywhere. Requests named `[setup] …` (the locust file's catalog) are left out.
"""

import csv
import sys
from pathlib import Path

RATIO_TARGET = 0.5
P95_TARGET_MS = 200


SETUP = {"requests": 0, "failures": 0}


def read_stats(path: Path) -> list[dict]:
    """The rows of a locust stats CSV; the `[setup] …` rows are only counted (SETUP)."""
    rows = []
    with path.open(newline="") as handle:
        for row in csv.DictReader(handle):
            if row["Name"].startswith("[setup]"):
                SETUP["requests"] += int(num(row, "Request Count"))
                SETUP["failures"] += int(num(row, "Failure Count"))
            else:
                rows.append(row)
    return rows


def num(row: dict, column: str) -> float:
    value = row.get(column) or "0"
    return float(value) if value != "N/A" else 0.0


def aggregate(rows: list[dict]) -> dict:
    return next(row for row in rows if row["Name"] == "Aggregated")


def ms(row: dict, column: str) -> str:
    return f"{num(row, column):.0f}"


def verdict(ok: bool) -> str:
    return "pass" if ok else "**FAIL**"


def main(folder: Path) -> int:
    out: list[str] = []
    failures_total = 0

    if (folder / "setup.txt").exists():
        out += ["```", (folder / "setup.txt").read_text().strip(), "```", ""]
    if (folder / "loadavg.txt").exists():
        out += ["Load average (1, 5, 15 min) around each phase:", "", "```"]
        out += [(folder / "loadavg.txt").read_text().strip(), "```", ""]

    ceiling = aggregate(read_stats(folder / "ceiling_stats.csv"))
    ceiling_rps = num(ceiling, "Requests/s")
    failures_total += int(num(ceiling, "Failure Count"))
    out += [
        "**a. Ceiling** — `GET /api/v1/ping/`, no pause:",
        "",
        "| requests | req/s | p50 ms | p95 ms | p99 ms | failures |",
        "|---:|---:|---:|---:|---:|---:|",
        f"| {int(num(ceiling, 'Request Count'))} | {ceiling_rps:.1f} | {ms(ceiling, '50%')} "
        f"| {ms(ceiling, '95%')} | {ms(ceiling, '99%')} | {int(num(ceiling, 'Failure Count'))} |",
        "",
    ]

    bench_ok = True
    out += [
        "**b. Public endpoints at full speed** (each alone, no pause), against the ceiling:",
        "",
        "| endpoint | requests | req/s | of ceiling | p50 ms | p95 ms | p99 ms | failures "
        "| ≥ 50 % |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for path in sorted(folder.glob("bench-*_stats.csv")):
        rows = read_stats(path)
        row = aggregate(rows)
        names = [r["Name"] for r in rows if r["Name"] != "Aggregated"]
        ratio = num(row, "Requests/s") / ceiling_rps if ceiling_rps else 0.0
        failed = int(num(row, "Failure Count"))
        failures_total += failed
        ok = ratio >= RATIO_TARGET and failed == 0
        bench_ok &= ok
        out.append(
            f"| `GET {', '.join(names)}` | {int(num(row, 'Request Count'))} "
            f"| {num(row, 'Requests/s'):.1f} | {ratio:.0%} | {ms(row, '50%')} | {ms(row, '95%')} "
            f"| {ms(row, '99%')} | {failed} | {verdict(ok)} |"
        )
    out.append("")

    mix_ok = True
    mix_path = folder / "mix_stats.csv"
    if mix_path.exists():
        rows = read_stats(mix_path)
        out += [
            "**c. Realistic mix** (anonymous readers, community staff, organization members, "
            "officials, with their wait times):",
            "",
            "| endpoint | requests | req/s | p50 ms | p95 ms | p99 ms | max ms | failures "
            "| p95 ≤ 200 ms |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---|",
        ]
        body = sorted(
            (r for r in rows if r["Name"] != "Aggregated"),
            key=lambda r: -num(r, "Request Count"),
        )
        for row in [*body, aggregate(rows)]:
            failed = int(num(row, "Failure Count"))
            ok = num(row, "95%") <= P95_TARGET_MS and failed == 0
            if row["Name"] == "Aggregated":
                failures_total += failed
                label = "**all** (setup included)"
            else:
                label = f"`{row['Type']} {row['Name']}`"
            mix_ok &= ok
            out.append(
                f"| {label} | {int(num(row, 'Request Count'))} | {num(row, 'Requests/s'):.1f} "
                f"| {ms(row, '50%')} | {ms(row, '95%')} | {ms(row, '99%')} "
                f"| {ms(row, 'Max Response Time')} | {failed} | {verdict(ok)} |"
            )
        out.append("")

    failures_total += SETUP["failures"]
    out += [
        f"Setup requests (catalog, sign-in, own lists; left out above): {SETUP['requests']}, "
        f"{SETUP['failures']} failed.",
        "",
        "Targets: "
        f"public endpoints ≥ 50 % of the ceiling — {verdict(bench_ok)}; "
        f"p95 ≤ 200 ms in the mix at the run's concurrency — {verdict(mix_ok)}; "
        f"zero errors — {verdict(failures_total == 0)} ({failures_total} failed requests).",
    ]
    print("\n".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
