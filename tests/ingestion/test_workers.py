"""The extraction pool: workers are reused, replaced when they die, and never answer stale jobs."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import labelwidgets as lw
from labelwidgets.ingestion.workers import ExtractionPool, warm_pool

CERES = "CERES,INC_01_25_2012-EX-10.20-Collaboration Agreement.PDF"


def _job(path: Path) -> tuple[str, str, None]:
    return (str(path), "pypdf", None)


def test_a_run_broken_off_early_does_not_leak_into_the_next(corpus_dir: Path) -> None:
    small = next(corpus_dir.rglob("crazyones.pdf"))
    slow = next(corpus_dir.rglob(CERES))
    with ExtractionPool(1) as pool:
        for index, result, _ in pool.run([_job(small), _job(slow)], timeout=300):
            assert index == 0 and result.status == "ok"
            break  # CERES is now being read by the only worker
        results = list(pool.run([_job(small)], timeout=20))
    assert [(i, r.status, r.n_pages) for i, r, _ in results] == [(0, "ok", 1)]
    assert results[0][1].pages[0].startswith("The Crazy Ones")


def test_a_worker_killed_while_idle_is_replaced(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Alpha text.")
    with ExtractionPool(1) as pool:
        first = list(pool.run([_job(tmp_path / "a.txt")], timeout=20))
        process = pool._workers[0].process
        process.kill()
        process.wait()
        again = list(pool.run([_job(tmp_path / "a.txt")], timeout=20))
    assert first[0][1].pages == again[0][1].pages == ["Alpha text."]


def test_ingest_reuses_warm_workers_between_calls(tmp_path: Path) -> None:
    truth = lw.samples.make_contracts(tmp_path / "pdf", n=2)
    with warm_pool(1, 512) as pool:
        before = [w.process.pid for w in pool._workers]
    report = lw.ingest(
        truth["file"].tolist(), lw.LabelStore(":memory:"), workers=1, memory_mb=512, progress=False
    )
    with warm_pool(1, 512) as pool:
        after = [w.process.pid for w in pool._workers]
    assert set(report.df["status"]) == {"ok"}
    assert after == before


def test_jobs_queued_behind_a_crash_or_a_timeout_are_read_by_the_replacement(
    tmp_path: Path, corpus_dir: Path
) -> None:
    # One worker, so each next job waits in its input while it reads the current one.
    huge = tmp_path / "huge.txt"  # sparse: reading it needs 400 MB, the cap allows 200 MB
    with open(huge, "wb") as f:
        f.truncate(400 * 1024 * 1024)
    small = []
    for i in range(4):
        small.append(tmp_path / f"small{i}.txt")
        small[-1].write_text(f"Small text {i}.")
    slow = next(corpus_dir.rglob(CERES))
    jobs = [_job(huge), _job(small[0]), _job(small[1]), _job(slow), *map(_job, small[2:])]
    with ExtractionPool(1, memory_mb=200) as pool:
        results = {i: r for i, r, _ in pool.run(jobs, timeout=3, page_timeout=0.001)}
    assert [results[i].status for i in range(6)] == ["broken", "ok", "ok", "timeout", "ok", "ok"]
    assert [results[i].pages for i in (1, 2, 4, 5)] == [[f"Small text {i}."] for i in range(4)]


# -- an OS without resource.setrlimit (Windows), simulated on Linux in a real subprocess ---------

_WITHOUT = r"""
import json, sys, warnings
blocked = json.loads(sys.argv[1])
if "psutil" not in blocked:
    import psutil  # psutil's Linux half imports resource itself; on Windows it needs none
for name in blocked:  # importing these now raises ImportError, as on Windows
    sys.modules[name] = None
warnings.simplefilter("always")
import labelwidgets as lw
from labelwidgets.ingestion.workers import ExtractionPool, has_rlimit

args = json.loads(sys.argv[2])
out = {"has_rlimit": has_rlimit()}
with warnings.catch_warnings(record=True) as caught:
    pools = [ExtractionPool(1, memory_mb=args["memory_mb"]) for _ in range(2)]
out["warnings"] = [str(w.message) for w in caught]
pool = pools[1]
list(pool.run([(args["warmup"], "pypdf", None)], timeout=60))  # started, limits in place
with open(f"/proc/{pool._workers[0].process.pid}/limits") as f:
    out["address_space"] = next(line for line in f if line.startswith("Max address space"))
jobs = [(path, "pypdf", None) for path in args["paths"]]
results = pool.run(jobs, timeout=args["timeout"], page_timeout=0.001)
out["results"] = {i: [r.status, r.message, r.pages[:1]] for i, r, _ in results}
if args.get("ingest"):
    report = lw.ingest(args["paths"], lw.LabelStore(":memory:"), backend="pypdf", workers=1,
                       timeout=args["timeout"], page_timeout=0.001, progress=False)
    out["ingest"] = report.df["status"].tolist()
for p in pools:
    p.close()
print(json.dumps(out))
"""


def _run_without(blocked: list[str], **args) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", _WITHOUT, json.dumps(blocked), json.dumps(args)],
        capture_output=True,
        text=True,
        timeout=280,
        cwd=Path(__file__).parents[2],
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.splitlines()[-1])


def test_without_resource_pdfs_are_read_and_a_hung_one_is_stopped(
    tmp_path: Path, corpus_dir: Path
) -> None:
    small = next(corpus_dir.rglob("crazyones.pdf"))
    slow = next(corpus_dir.rglob(CERES))  # pypdf reads it for ~2 minutes
    (tmp_path / "a.txt").write_text("Alpha text.")
    paths = [str(small), str(slow), str(tmp_path / "a.txt")]
    args = {"memory_mb": 512, "warmup": str(small), "paths": paths, "timeout": 3}
    out = _run_without(["resource"], **args, ingest=True)
    assert out["has_rlimit"] is False and out["warnings"] == []  # psutil watches instead
    assert out["address_space"].split()[3] == "unlimited"  # no setrlimit in the worker
    statuses = [out["results"][str(i)][0] for i in range(3)]
    assert statuses == ["ok", "timeout", "ok"]
    assert out["results"]["0"][2][0].startswith("The Crazy Ones")
    assert out["results"]["2"][2] == ["Alpha text."]
    assert "longer than" in out["results"]["1"][1]
    assert out["ingest"] == ["ok", "timeout", "ok"]
    # the same run with resource available limits the worker's address space instead
    control = _run_without([], **{**args, "paths": [paths[2]]})
    assert control["has_rlimit"] is True
    assert control["address_space"].split()[3] == str(512 * 1024 * 1024)


def test_without_resource_the_memory_cap_is_watched(tmp_path: Path, corpus_dir: Path) -> None:
    huge = tmp_path / "huge.txt"  # sparse: reading it needs 600 MB, the cap allows 200 MB
    with open(huge, "wb") as f:
        f.truncate(600 * 1024 * 1024)
    (tmp_path / "a.txt").write_text("Alpha text.")
    paths = [str(huge), str(tmp_path / "a.txt")]
    warmup = str(next(corpus_dir.rglob("crazyones.pdf")))
    out = _run_without(["resource"], memory_mb=200, warmup=warmup, paths=paths, timeout=60)
    (status, message, _), after = out["results"]["0"], out["results"]["1"]
    assert status == "broken"
    assert "over the memory cap 200 MB" in message
    assert after[0] == "ok" and after[2] == ["Alpha text."]  # the replacement reads the next


def test_without_resource_or_psutil_the_cap_is_not_enforced_and_says_so_once(
    tmp_path: Path, corpus_dir: Path
) -> None:
    (tmp_path / "a.txt").write_text("Alpha text.")
    warmup = str(next(corpus_dir.rglob("crazyones.pdf")))
    args = {"memory_mb": 300, "warmup": warmup, "paths": [str(tmp_path / "a.txt")], "timeout": 20}
    out = _run_without(["resource", "psutil"], **args)
    (warning,) = out["warnings"]  # two pools, one warning
    assert "memory_mb=300 is not enforced on this OS" in warning and "psutil" in warning
    assert out["address_space"].split()[3] == "unlimited"
    assert out["results"]["0"][0] == "ok"
