"""Markdown and JSON out of the cells; splicing the markdown into docs/benchmarks.md."""

from __future__ import annotations

import re
import statistics
from pathlib import Path
from typing import Any

START, END = "<!-- peers:start -->", "<!-- peers:end -->"
SCENARIO_LABEL = {
    "lock-cold": "lock, cold",
    "lock-warm": "lock, warm",
    "lock-noop": "lock, no-op",
    "compile-cold": "pip compile, cold",
    "compile-warm": "pip compile, warm",
    "sync-cold": "sync, cold",
    "sync-warm": "sync, warm",
    "sync-noop": "sync, no-op",
    "version": "`--version`",
}


def _fmt_s(x: float | None) -> str:
    if x is None:
        return "–"
    if x < 0.1:
        return f"{x:.3f}"
    if x < 10:
        return f"{x:.2f}"
    return f"{x:.1f}"


def _cell_text(c: dict[str, Any]) -> str:
    status = c["status"]
    if status == "not yet":
        return "not yet"
    if status in ("n/a", "skipped"):
        return "–" if status == "n/a" else "skipped"
    if status == "failed" and c["wall_s"] is None:
        return "failed"
    text = f"{_fmt_s(c['wall_s'])}"
    if c.get("ratio_median") is not None:
        text += f" (×{c['ratio_median']:.2f} {c['ratio_of']}"
        if c["ratio_min"] != c["ratio_max"]:
            text += f", {c['ratio_min']:.2f}–{c['ratio_max']:.2f}"
        text += ")"
    if c["n"] != 1:
        text += f" n={c['n']}"
    if status == "failed":
        text += " ⚠"
    return text


def _rows(cells: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """(project, scenario) in run order, leaving out those that no tool has."""
    seen: list[tuple[str, str]] = []
    live = {(c["project"], c["scenario"]) for c in cells if c["status"] not in ("n/a", "skipped")}
    for c in cells:
        key = (c["project"], c["scenario"])
        if key not in seen and key in live:
            seen.append(key)
    return seen


def render_markdown(report: dict[str, Any]) -> str:
    tools: list[str] = report["tools_order"]
    cells: list[dict[str, Any]] = report["cells"]
    by = {(c["project"], c["scenario"], c["tool"]): c for c in cells}
    lines = [
        "## Peers: prong against uv, pip-tools, pdm and poetry",
        "",
        f"- Date: {report['date']}; machine: {report['machine']}"
        + (f" ({report['machine_note']})" if report.get("machine_note") else "") + ".",
        f"- Command: `{report['command']}` (took {report['duration_s'] / 60:.1f} min"
        + (f"; 1-minute load average {report['load'][0]:.1f} at the start, {report['load'][1]:.1f} at the end"
           + (f", at most {report['load_max']:.1f} after any scenario" if report.get("load_max") is not None else "")
           if report.get("load") else "") + ").",
        *([f"- CPU probe (a fixed pure-Python loop, best of 3, after each scenario): "
            f"{min(report['cpu_probe_ms']):.0f}–{max(report['cpu_probe_ms']):.0f} ms, "
            f"median {statistics.median(report['cpu_probe_ms']):.0f} ms."] if report.get("cpu_probe_ms") else []),
        "- Versions: " + ", ".join(f"{t} {report['versions'].get(t, '?')}" for t in tools) + ".",
        f"- Time pin: {report['time_pin']}.",
        f"- Index: {report['index_probe_text']}",
        *(["- **Partial**: the run was cut short; these are the scenarios it finished.", ""]
          if report.get("partial") else [""]),
        "### Wall time, median seconds",
        "",
        "Each peer runs in pairs with the baseline, one right after the other. The baseline is prong where prong",
        "has the scenario and uv where it does not yet. `×r a/b` is the median over the pairs of a's time divided by",
        "b's, followed by the lowest and highest pair. `n` is the number of runs when it is not 1. `not yet` means",
        "prong lacks the command. `–` means the tool has no such command. pip-tools' lock is its `pip compile` row.",
        "",
        "| project · scenario | " + " | ".join(tools) + " |",
        "|---|" + "---:|" * len(tools),
    ]
    for project, scenario in _rows(cells):
        row = [f"{project} · {SCENARIO_LABEL.get(scenario, scenario)}"]
        for t in tools:
            c = by.get((project, scenario, t))
            row.append(_cell_text(c) if c else "")
        lines.append("| " + " | ".join(row) + " |")
    lines += [
        "",
        "### CPU (user+sys of the process tree, s) / peak RSS of the process tree (MiB), medians",
        "",
        "| project · scenario | " + " | ".join(tools) + " |",
        "|---|" + "---:|" * len(tools),
    ]
    for project, scenario in _rows(cells):
        row = [f"{project} · {SCENARIO_LABEL.get(scenario, scenario)}"]
        for t in tools:
            c = by.get((project, scenario, t))
            if c and c["wall_s"] is not None and c["cpu_s"] is not None:
                row.append(f"{_fmt_s(c['cpu_s'])} / {c['peak_rss_mib']:.0f}")
            else:
                row.append("")
        lines.append("| " + " | ".join(row) + " |")
    lines += [
        "",
        "### What each tool resolved (pins) and how it agrees with uv",
        "",
        "Lock rows compare every `name==version` in the lock (uv and poetry lock all platforms and Pythons ≥ 3.9,",
        "pdm one version valid everywhere, pip-compile this interpreter only); sync rows compare what each tool",
        "really installed into its fresh venv (Python 3.11, this machine).",
        "",
        "| project · scenario | " + " | ".join(tools) + " |",
        "|---|" + "---|" * len(tools),
    ]
    for project, scenario in _rows(cells):
        if scenario in ("lock-warm", "lock-noop", "compile-warm", "sync-warm", "sync-noop", "version"):
            continue
        row = [f"{project} · {SCENARIO_LABEL.get(scenario, scenario)}"]
        any_pins = False
        for t in tools:
            c = by.get((project, scenario, t))
            if c and c["pins"] is not None:
                any_pins = True
                row.append(f"{c['pins']}" + (f": {c['agreement_with_uv']}" if c["agreement_with_uv"] else ""))
            else:
                row.append("")
        if any_pins:
            lines.append("| " + " | ".join(row) + " |")
    http = [c for c in cells if c["tool"] == "prong" and c["prong_http"] and c["scenario"] != "version"]
    lines += ["", "### Network", "", f"Index probe: {report['index_probe_text']}", ""]
    if http:
        lines.append("prong's requests per run (from `-v`, logger `prong.http`):")
        lines.append("")
        for c in http:
            runs = c["prong_http"]
            shown = "; ".join(dict.fromkeys(runs)) if len(set(runs)) <= 3 else f"{runs[0]}; … ({len(runs)} runs)"
            lines.append(f"- {c['project']} · {SCENARIO_LABEL.get(c['scenario'], c['scenario'])}: {shown}")
    else:
        lines.append("prong's requests per run: n/a (prong ran no network scenario yet).")
    failed = [c for c in cells if c["status"] == "failed"]
    if failed:
        lines += ["", "### Failures", ""]
        for c in failed:
            lines.append(f"- {c['project']} · {c['scenario']} · {c['tool']}: {c['note']}")
    skipped = sorted({f"{c['project']} · {c['tool']}: {c['note'].removeprefix('skipped: ')}"
                      for c in cells if c["status"] == "skipped" and c["scenario"].startswith(("lock", "sync"))})
    if skipped:
        lines += ["", "Skipped: " + "; ".join(skipped) + "."]
    lines += ["", f"Notes: {report['notes']}", ""]
    return "\n".join(lines)


def splice(doc: Path, body: str) -> None:
    """Put ``body`` between the peers markers of ``doc``, leaving everything else as it is."""
    text = doc.read_text(encoding="utf-8") if doc.is_file() else ""
    if START not in text or END not in text:
        text = (text.rstrip("\n") + "\n\n" if text.strip() else "") + f"{START}\n{END}\n"
    pattern = re.compile(re.escape(START) + r".*?" + re.escape(END), re.S)
    text = pattern.sub(lambda _m: f"{START}\n{body.rstrip()}\n{END}", text, count=1)
    doc.parent.mkdir(parents=True, exist_ok=True)
    doc.write_text(text, encoding="utf-8")


def compare_markdown(first: dict[str, Any], second: dict[str, Any], scenarios: list[str]) -> str:
    """A table of each paired ratio in two runs and how far it moved (second / first - 1)."""
    def ratios(report: dict[str, Any]) -> dict[tuple[str, str, str], tuple[str, float]]:
        return {
            (c["project"], c["scenario"], c["tool"]): (c["ratio_of"], c["ratio_median"])
            for c in report["cells"]
            if c["scenario"] in scenarios and c.get("ratio_median")
        }

    a, b = ratios(first), ratios(second)
    lines = [
        "### Rerun: how far the paired ratios moved",
        "",
        f"First run {first['date']} (`{first['command']}`), second run {second['date']} (`{second['command']}`).",
        "",
        *_probe_lines(first, second),
        "| project · scenario | ratio | first | second | moved |",
        "|---|---|---:|---:|---:|",
    ]
    moves = []
    for key in a:
        if key not in b or a[key][0] != b[key][0]:
            continue
        (label, r1), (_, r2) = a[key], b[key]
        moved = r2 / r1 - 1
        moves.append(abs(moved))
        flag = "" if abs(moved) <= 0.15 else " ⚠"
        lines.append(f"| {key[0]} · {SCENARIO_LABEL.get(key[1], key[1])} | {label} | {r1:.2f} | {r2:.2f} | "
                     f"{moved:+.0%}{flag} |")
    if moves:
        within = sum(1 for m in moves if m <= 0.15)
        lines += ["", f"{within} of {len(moves)} ratios within ±15 %; median move {sorted(moves)[len(moves) // 2]:.0%}."]
    return "\n".join(lines) + "\n"


def _probe_lines(first: dict[str, Any], second: dict[str, Any]) -> list[str]:
    """How fast the machine was in each run (CPU probe medians), when both runs recorded it."""
    p1, p2 = first.get("cpu_probe_ms"), second.get("cpu_probe_ms")
    if not p1 or not p2:
        return []
    m1, m2 = statistics.median(p1), statistics.median(p2)
    return [f"CPU probe median: {m1:.0f} ms in the first run, {m2:.0f} ms in the second ({m2 / m1 - 1:+.0%}); "
            "a slower machine raises the ratios of the tools that compute against those that wait on the network.",
            ""]


def splice_append(doc: Path, extra: str) -> None:
    """Append ``extra`` at the end of the peers section, keeping what is already there."""
    text = doc.read_text(encoding="utf-8")
    start, end = text.index(START) + len(START), text.index(END)
    body = text[start:end].strip("\n")
    splice(doc, body + "\n\n" + extra)
