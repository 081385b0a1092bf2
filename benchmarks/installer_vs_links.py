"""The PyPA `installer` library (from each wheel file) against prong's unpack-once-and-link (from the
cache), on the same wheels of a uv.lock. Usage: `python benchmarks/installer_vs_links.py LOCK ROOT_PACKAGE [WORK]`
(the wheels for this interpreter are downloaded once into WORK/cache). Prints the median of 5 runs each."""
import time, os, shutil, sys, sysconfig, statistics
from pathlib import Path
from prong.lock.text import read_lock
from prong.python import find_interpreter
from prong.installer.wheels import pick_wheel
from prong.client.http import HttpClient
from prong.cache import Cache
from prong.tags import Tags
from prong.install.selection import select, Selection
from prong.pep508.markers import parse_marker
from prong.venv import create_venv
from prong.installer.unpack import unpack_wheel
from prong.installer.install import link_unpacked

LOCK, ROOT, WORK = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3] if len(sys.argv) > 3 else '/tmp/installer-bench')
lk = read_lock(LOCK)
interp = find_interpreter('3.11')
target = interp.target(); tags = Tags.for_target(target); env = interp.marker_environment()
http = HttpClient(cache=Cache(WORK / 'cache'))
wheels = []
for s in select(lk, Selection(roots=(ROOT,))):
    if s.package.source.kind != 'registry' or (s.marker and not parse_marker(s.marker).evaluate(env)):
        continue
    w = pick_wheel(s.package, target, tags)
    algo, _, h = w.hash.partition(':')
    wheels.append(http.fetch(w.url, filename=w.name, hashes={algo: h}))
print(len(wheels), 'wheels')
arch = WORK / 'archive'
unpacked = [unpack_wheel(w, arch / w.name) for w in wheels]

def with_installer(venv):
    from installer import install
    from installer.destinations import SchemeDictionaryDestination
    from installer.sources import WheelFile
    sch = venv.scheme()
    dest = SchemeDictionaryDestination({"purelib": str(sch["purelib"]), "platlib": str(sch["platlib"]),
        "headers": str(sch["include"]), "scripts": str(sch["scripts"]), "data": str(sch["data"])},
        interpreter=str(venv.python), script_kind="posix")
    for w in wheels:
        with WheelFile.open(w) as src:
            install(src, dest, {"INSTALLER": b"prong\n"})

def with_links(venv):
    for u in unpacked:
        link_unpacked(u, venv)

res = {"installer": [], "prong-link": []}
for i in range(5):
    for name, fn in (("installer", with_installer), ("prong-link", with_links)):
        root = WORK / f'venv-{name}-{i}'
        shutil.rmtree(root, ignore_errors=True)
        venv = create_venv(root, interp)
        os.sync()
        t = time.perf_counter(); fn(venv); res[name].append(time.perf_counter() - t)
        shutil.rmtree(root)
for k, v in res.items():
    print(k, 'median %.3f s' % statistics.median(v), ['%.3f' % x for x in v])
