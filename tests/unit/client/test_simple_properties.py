"""Properties of the Simple page parsers: HTML and JSON renderings of the same files parse to the
same values, and no input makes the HTML parser raise."""

from __future__ import annotations

import html
import json
from urllib.parse import quote

from hypothesis import given
from hypothesis import strategies as st

from prong.client.simple import dump_page, load_page, parse_html, parse_json

BASE = "https://h.invalid/simple/my-proj/"

versions = st.builds(lambda a, b, c: f"{a}.{b}.{c}", st.integers(0, 30), st.integers(0, 30), st.integers(0, 30))
tags = st.sampled_from(["py3-none-any", "cp310-cp310-linux_aarch64", "cp312-abi3-manylinux_2_28_x86_64"])
texts = st.text(st.characters(min_codepoint=32, max_codepoint=0x250, blacklist_characters="\x7f"), max_size=20)
specs = st.sampled_from([None, ">=3.8", ">=3.8,<4", "!=3.0.*,>=2.7", "~=3.10"])
hashes = st.text("0123456789abcdef", min_size=64, max_size=64)


@st.composite
def files(draw: st.DrawFn) -> dict[str, object]:
    version = draw(versions)
    tag = draw(st.none() | tags)
    name = draw(st.sampled_from(["my_proj", "My.Proj", "my-proj"]))
    filename = f"{name.replace('-', '_') if tag else name}-{version}" + (f"-{tag}.whl" if tag else ".tar.gz")
    return {
        "filename": filename,
        "sha256": draw(hashes),
        "requires_python": draw(specs),
        "yanked": draw(st.none() | texts),
        "metadata": draw(st.none() | hashes) if tag else None,
        "prefix": draw(st.sampled_from(["../../files/", "/files/", "https://cdn.invalid/x/"])),
    }


def render_html(fs: list[dict[str, object]]) -> bytes:
    out = ["<!DOCTYPE html><html><head><title>Links for my-proj</title></head><body>"]
    for f in fs:
        attrs = [f'href="{html.escape(str(f["prefix"]) + quote(str(f["filename"])))}#sha256={f["sha256"]}"']
        if f["requires_python"] is not None:
            attrs.append(f'data-requires-python="{html.escape(str(f["requires_python"]))}"')
        if f["yanked"] is not None:
            attrs.append(f'data-yanked="{html.escape(str(f["yanked"]))}"')
        if f["metadata"] is not None:
            attrs.append(f'data-core-metadata="sha256={f["metadata"]}"')
        out.append(f"<a {' '.join(attrs)}>{html.escape(str(f['filename']))}</a><br/>")
    out.append("</body></html>")
    return "\n".join(out).encode()


def render_json(fs: list[dict[str, object]]) -> bytes:
    entries = []
    for f in fs:
        e: dict[str, object] = {
            "filename": f["filename"],
            "url": str(f["prefix"]) + quote(str(f["filename"])),
            "hashes": {"sha256": f["sha256"]},
            "requires-python": f["requires_python"],
            "yanked": f["yanked"] if f["yanked"] is not None else False,
        }
        if f["metadata"] is not None:
            e["core-metadata"] = {"sha256": f["metadata"]}
        entries.append(e)
    return json.dumps({"meta": {"api-version": "1.0"}, "name": "my-proj", "files": entries}).encode()


@given(st.lists(files(), max_size=6))
def test_html_and_json_agree(fs: list[dict[str, object]]) -> None:
    h = parse_html(render_html(fs), BASE, "my-proj")
    j = parse_json(render_json(fs), BASE, "my-proj")
    assert h.files == j.files
    assert [f.filename for f in h.files] == [f["filename"] for f in fs]
    for parsed, f in zip(h.files, fs):
        assert parsed.sha256 == f["sha256"]
        assert parsed.requires_python == f["requires_python"]
        assert parsed.yanked == (None if f["yanked"] is None else f["yanked"] or "")
        assert "#" not in parsed.url and parsed.url.startswith(("https://h.invalid/", "https://cdn.invalid/"))
    assert load_page(dump_page(h)) == h


@given(st.binary(max_size=400) | st.text(alphabet="<a href='\"=>/ x#&;", max_size=200).map(str.encode))
def test_html_parser_never_raises(content: bytes) -> None:
    page = parse_html(content, BASE, "my-proj")
    assert page.info.n_links >= len(page.files)
