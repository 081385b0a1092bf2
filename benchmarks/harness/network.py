"""What the network does: prong's own request log, and a probe of what the index offers.

prong logs one line per request to the ``prong.http`` logger with ``-v``:
``GET <url> <status> <hit|miss|revalidated> ...``. The probe asks the default index, once per
run, for one project page and one wheel: whether the page advertises PEP 658 metadata, whether
``<wheel>.metadata`` exists, whether a ``Range`` request gets ``206``, and which cache headers
(``Cache-Control``, ``ETag``, ``Last-Modified``) come back.
"""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass

_LOG = re.compile(r"\b(GET|HEAD)\s+(\S+)\s+(\d{3})\s+(hit|miss|revalidated|uncached)\b")


@dataclass(frozen=True, slots=True)
class HttpLog:
    requests: int
    hits: int
    revalidated: int

    def text(self) -> str:
        return f"{self.requests} req, {self.hits} hit, {self.revalidated} reval"


def parse_prong_log(stderr: str) -> HttpLog | None:
    """Count prong's logged requests; None when the run logged none (the log is absent)."""
    kinds = [m.group(4) for m in _LOG.finditer(stderr)]
    if not kinds:
        return None
    return HttpLog(len(kinds), kinds.count("hit"), kinds.count("revalidated"))


_CACHE_HEADERS = ("Cache-Control", "ETag", "Last-Modified", "Age", "Expires")


def _request(url: str, headers: dict[str, str], method: str = "GET", limit: int = 2_000_000) -> tuple[int, dict[str, str], bytes]:
    req = urllib.request.Request(url, headers={"User-Agent": "prong-benchmarks", **headers}, method=method)
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, dict(resp.headers.items()), resp.read(limit) if method == "GET" else b""
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers.items()), b""


def probe_index(simple_url: str, project: str = "requests") -> dict[str, object]:
    """Probe the index once; every fact is a plain value for the JSON report."""
    facts: dict[str, object] = {"project_probed": project}
    try:
        page_url = simple_url.rstrip("/") + f"/{project}/"
        status, headers, body = _request(page_url, {"Accept": "text/html"})
        text = body.decode("utf-8", "replace")
        facts["page_status"] = status
        facts["page_cache_headers"] = {h: headers[h] for h in _CACHE_HEADERS if h in headers}
        facts["pep658_in_page"] = "data-core-metadata" in text or "data-dist-info-metadata" in text
        status_json, _, body_json = _request(page_url, {"Accept": "application/vnd.pypi.simple.v1+json"})
        facts["pep691_json"] = status_json == 200 and body_json[:1] == b"{"
        facts["pep658_in_json"] = b'"core-metadata"' in body_json or b'"dist-info-metadata"' in body_json
        hrefs = re.findall(r'href="([^"#]+\.whl)(?:#[^"]*)?"', text)
        if hrefs:
            picks = sorted({0, len(hrefs) // 2, len(hrefs) - 1})
            wheels = [urllib.request.urljoin(page_url, hrefs[i].replace("&amp;", "&")) for i in picks]
            statuses = [_request(w + ".metadata", {}, method="HEAD")[0] for w in wheels]
            facts["metadata_file_statuses"] = statuses
            rstatus, rheaders, _ = _request(wheels[-1], {"Range": "bytes=-100"}, limit=4096)
            facts["range_status"] = rstatus
            facts["range_supported"] = rstatus == 206
            facts["file_cache_headers"] = {h: rheaders[h] for h in _CACHE_HEADERS if h in rheaders}
        # A tool only asks for `<wheel>.metadata` when the page advertises it (PEP 658/714).
        facts["pep658"] = bool(facts.get("pep658_in_page") or facts.get("pep658_in_json"))
        facts["cache_headers"] = bool(facts.get("page_cache_headers") or facts.get("file_cache_headers"))
    except (OSError, ValueError) as exc:
        facts["error"] = f"{type(exc).__name__}: {exc}"
    return facts


def probe_text(facts: dict[str, object]) -> str:
    if "error" in facts:
        return f"probe failed: {facts['error']}"

    def yn(v: object) -> str:
        return "yes" if v else "no"

    return (
        f"PEP 658 metadata advertised: {yn(facts.get('pep658'))} (HTML page {yn(facts.get('pep658_in_page'))}, "
        f"JSON page {yn(facts.get('pep658_in_json'))}; `<wheel>.metadata` of {facts.get('project_probed')}'s first, "
        f"middle and last wheel → {facts.get('metadata_file_statuses')}); "
        f"range requests: {yn(facts.get('range_supported'))} (→ {facts.get('range_status')}); "
        f"cache headers: {yn(facts.get('cache_headers'))} "
        f"(page {facts.get('page_cache_headers') or 'none'}, file {facts.get('file_cache_headers') or 'none'})"
    )


__all__ = ["HttpLog", "asdict", "parse_prong_log", "probe_index", "probe_text"]
