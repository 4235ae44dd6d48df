"""The extraction pool: workers are reused, replaced when they die, and never answer stale jobs."""

from __future__ import annotations

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
