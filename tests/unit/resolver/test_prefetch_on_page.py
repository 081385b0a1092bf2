"""Metadata prefetch as soon as a dependency's page arrives (uv's prefetch requests), and
``RegistryIndex.when_versions``, the hook behind it."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from prong.pep440.ranges import Range
from prong.pep440.version import parse_version as V
from prong.resolver.index import Found, VersionsResponse
from prong.resolver.options import ResolverEnvironment, ResolverOptions
from prong.resolver.package import Package, Root
from prong.resolver.provider import PythonProvider
from prong.resolver.resolver import resolve
from prong.tags import Target, parse_platform
from tests.support.scenario_index import ScenarioIndex

ENV = ResolverEnvironment(Target((3, 12), "cp", platform=parse_platform("x86_64-unknown-linux-gnu")),
                          requested_python=True)
PKGS = {
    "app": {"versions": {"1.0.0": {"requires": ["lib<3", "other"]}}},
    "lib": {"versions": {"1.0.0": {}, "2.0.0": {}, "3.0.0": {}}},
    "other": {"versions": {"0.5.0": {}, "0.6.0": {"requires_python": ">=3.13"}}},
}


@dataclass
class LatePages(ScenarioIndex):
    """Pages "arrive" only when the test says so: ``when_versions`` callbacks wait in a list."""

    waiting: list[tuple[str, Callable[[VersionsResponse], None]]] = field(default_factory=list)

    def when_versions(self, name: str, callback: Callable[[VersionsResponse], None]) -> None:
        self.waiting.append((name, callback))

    def arrive(self) -> None:
        waiting, self.waiting = self.waiting, []
        for name, callback in waiting:
            callback(ScenarioIndex.versions(self, name))


def test_metadata_of_the_likely_version_is_prefetched_when_the_page_arrives() -> None:
    idx = LatePages.from_scenario({"packages": PKGS})
    provider = PythonProvider(["app"], env=ENV, index=idx, options=ResolverOptions())
    provider.get_dependencies(Root(), V("0"))
    provider.get_dependencies(Package("app"), V("1.0.0"))
    assert [n for n, _ in idx.waiting] == ["app", "lib", "other"]
    assert not [c for c in idx.calls if c[0] == "prefetch_metadata"]  # nothing known yet
    idx.arrive()
    hinted = [v for k, v in idx.calls if k == "prefetch_metadata"]
    # lib: the highest version inside <3. other: its first candidate, 0.6.0, needs Python 3.13,
    # and a file whose Requires-Python excludes the target is never fetched
    assert ("lib", ("2.0.0",)) in hinted
    assert not any(name == "other" and "0.6.0" in vs for name, vs in hinted)
    # the version map built when the page arrived is the one the solver then uses
    ready = provider._ready_maps["lib"]
    assert provider.version_map("lib") is ready and "lib" not in provider._ready_maps


@dataclass
class LateEverything(LatePages):
    """Metadata callbacks wait too; ``settle`` delivers pages and metadata until nothing waits."""

    waiting_md: list[tuple[Any, Callable[[Any], None]]] = field(default_factory=list)

    def when_metadata(self, file: Any, callback: Callable[[Any], None]) -> None:
        self.waiting_md.append((file, callback))

    def settle(self) -> None:
        while self.waiting or self.waiting_md:
            self.arrive()
            waiting, self.waiting_md = self.waiting_md, []
            for file, callback in waiting:
                name, ver = file.filename.split("-")[:2]
                callback(ScenarioIndex.metadata(self, name.replace("_", "-"), V(ver), file))


GRAPH = {
    "app": {"versions": {"1.0.0": {"requires": ["mid[x]", "winonly; sys_platform == 'win32'"]}}},
    "mid": {"versions": {"1.0.0": {"requires": ["old"]}, "2.0.0": {"requires": ["leaf>=2"], "extras": {"x": ["xdep"]}}}},
    "leaf": {"versions": {"1.0.0": {}, "2.0.0": {"requires": ["deepest"]}}},
    "deepest": {"versions": {"1.0.0": {}}},
    "xdep": {"versions": {"1.0.0": {}}},
    "old": {"versions": {"1.0.0": {}}},
    "winonly": {"versions": {"1.0.0": {}}},
}


def test_the_likely_graph_is_prefetched_before_the_solver_gets_there() -> None:
    idx = LateEverything.from_scenario({"packages": GRAPH})
    provider = PythonProvider(["app"], env=ENV, index=idx, options=ResolverOptions())
    provider.get_dependencies(Root(), V("0"))  # the solver has seen only the root
    idx.settle()
    hinted = {(v[0], v[1][0]) for k, v in idx.calls if k == "prefetch_metadata"}
    # app -> mid 2.0.0 (and its extra x) -> leaf 2.0.0 -> deepest: all asked for, down the graph
    assert {("app", "1.0.0"), ("mid", "2.0.0"), ("leaf", "2.0.0"), ("deepest", "1.0.0"), ("xdep", "1.0.0")} <= hinted
    # not the older mid's dependency, nor a dependency whose marker is false on linux
    assert not {n for n, _ in hinted} & {"old", "winonly"}
    # each (name, extras) followed once, however many times the graph reaches it
    assert len([c for c in idx.calls if c == ("prefetch_metadata", ("leaf", ("2.0.0",)))]) == 1
    assert resolve(["app"], env=ENV, index=LateEverything.from_scenario({"packages": GRAPH})).pins() == {
        "app": "1.0.0", "mid": "2.0.0", "leaf": "2.0.0", "deepest": "1.0.0", "xdep": "1.0.0"}


def test_resolution_is_unchanged_with_late_pages() -> None:
    idx = LatePages.from_scenario({"packages": PKGS})
    plain = resolve(["app"], env=ENV, index=ScenarioIndex.from_scenario({"packages": PKGS})).pins()
    assert resolve(["app"], env=ENV, index=idx).pins() == plain == {"app": "1.0.0", "lib": "2.0.0", "other": "0.5.0"}


# -- RegistryIndex.when_versions ----------------------------------------------------------------


@dataclass
class _Page:
    files: tuple[Any, ...] = ()


class _Indexes:
    no_index = False
    flat: tuple[Any, ...] = ()


class _Client:
    indexes = _Indexes()

    def __init__(self) -> None:
        self.asked: list[str] = []

    def project_pages(self, name: str, pin: object = None) -> list[tuple[Any, Any]]:
        from prong.dists import IndexFile

        self.asked.append(name)

        class Idx:
            url = "https://index.invalid/simple"

        f = IndexFile(f"{name}-1.0-py3-none-any.whl", f"https://index.invalid/f/{name}-1.0-py3-none-any.whl")
        return [(Idx(), _Page((f,)))]


class _Http:
    def __init__(self) -> None:
        self.executor = ThreadPoolExecutor(2)


def test_registry_index_when_versions_runs_callback_once_loaded_and_fetches_once() -> None:
    import threading

    from prong.sources.index import RegistryIndex

    client, http = _Client(), _Http()
    index = RegistryIndex(client, http)  # type: ignore[arg-type]
    got: list[VersionsResponse] = []
    done = threading.Event()

    def cb(resp: VersionsResponse) -> None:
        got.append(resp)
        if len(got) == 2:
            done.set()

    index.when_versions("demo", cb)
    index.when_versions("demo", cb)
    assert done.wait(10)
    assert client.asked == ["demo"]  # one fetch for both callbacks and for versions()
    assert all(isinstance(r, Found) and [str(c.version) for c in r.candidates] == ["1.0"] for r in got)
    assert index.versions("demo") is got[0]
    late: list[VersionsResponse] = []
    index.when_versions("demo", late.append)  # already loaded: at once, on this thread
    assert late == [got[0]]

    def boom(resp: VersionsResponse) -> None:
        raise RuntimeError("a failing callback is dropped")

    index.when_versions("demo", boom)  # does not raise
    http.executor.shutdown()


def test_registry_index_when_metadata_fetches_wheels_only(monkeypatch: Any) -> None:
    import threading

    import prong.client.metadata as client_metadata
    from prong.sources.index import RegistryIndex
    from prong.dists import IndexFile
    from prong.resolver.index import MetadataFound

    fetched: list[str] = []

    def fake(http: object, file: IndexFile, builder: object) -> bytes:
        fetched.append(file.filename)
        return b"Metadata-Version: 2.1\nName: demo\nVersion: 1.0\nRequires-Dist: idna\n\n"

    monkeypatch.setattr(client_metadata, "dist_metadata", fake)
    http = _Http()
    index = RegistryIndex(_Client(), http)  # type: ignore[arg-type]
    done = threading.Event()
    got: list[Any] = []
    wheel = IndexFile("demo-1.0-py3-none-any.whl", "https://index.invalid/f/demo-1.0-py3-none-any.whl")
    index.when_metadata(wheel, lambda r: (got.append(r), done.set()))
    assert done.wait(10)
    assert isinstance(got[0], MetadataFound) and got[0].metadata.requires_dist[0].name == "idna"
    sdist = IndexFile("demo-1.0.tar.gz", "https://index.invalid/f/demo-1.0.tar.gz")
    index.when_metadata(sdist, got.append)  # never builds speculatively
    http.executor.shutdown(wait=True)
    assert fetched == ["demo-1.0-py3-none-any.whl"] and len(got) == 1


def test_a_package_tried_again_gets_a_longer_lookahead() -> None:
    many = {"lib": {"versions": {f"{i}.0.0": {} for i in range(1, 13)}}}
    idx = ScenarioIndex.from_scenario({"packages": many})
    provider = PythonProvider(["lib"], env=ENV, index=idx, options=ResolverOptions())
    sizes = []
    for top in (13, 12, 11):  # the solver backtracking: each time a smaller range
        idx.calls.clear()
        provider.choose_version(Package("lib"), Range.from_specifiers(f"<{top}"))
        sizes.append(max(len(v[1]) for k, v in idx.calls if k == "prefetch_metadata"))
    assert sizes == [1, 1, 9]  # the first tries: only the version chosen (uv does no more)


def test_a_queued_prefetch_the_solver_needs_is_loaded_on_the_solver_thread() -> None:
    import threading

    from prong.sources.index import RegistryIndex

    class Stuck:
        """An executor whose queue never runs (every worker busy with other prefetches)."""

        def __init__(self) -> None:
            self.queued: list[Any] = []

        def submit(self, fn: Any, *args: Any) -> None:
            self.queued.append((fn, args))

    class Http:
        executor = Stuck()

    client = _Client()
    index = RegistryIndex(client, Http())  # type: ignore[arg-type]
    index.prefetch(["demo"])
    assert client.asked == [] and len(Http.executor.queued) == 1
    found = index.versions("demo")  # would wait forever without the steal
    assert isinstance(found, Found) and client.asked == ["demo"]
    assert threading.current_thread() is threading.main_thread()
    fn, args = Http.executor.queued[0]
    fn(*args)  # the queued task runs late: finds the load taken and does nothing
    assert client.asked == ["demo"] and index.versions("demo") is found
