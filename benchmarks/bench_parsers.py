"""Hostile files against honest ones: seconds and peak memory of the XLSX reader and the
video check, each case in its own process, with the ratio against the honest file of the
same run.

Usage: ``python benchmarks/bench_parsers.py [--people 2000] [--mp4-mb 20]``. See README.md.
"""

from __future__ import annotations

import argparse
import struct
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the hostile files are the tests' own (tests/hostile.py)

from tests.hostile import people_cells, sheet, workbook, zip_bomb  # noqa: E402


def _xlsx_cases(folder: Path, n: int) -> dict[str, Path]:
    far = [(r, [*cells, f'<c r="XFD{r}"/>']) for r, cells in people_cells(n)]
    return {
        "xlsx honest": workbook(folder / "honest.xlsx", sheet(people_cells(n))),
        "xlsx false dimension": workbook(
            folder / "dimension.xlsx", sheet(people_cells(n), dimension=f"A1:XFD{n + 1}")
        ),
        "xlsx empty cell at XFD, every row": workbook(folder / "far.xlsx", sheet(far)),
        "xlsx zip bomb (40 MB)": zip_bomb(folder / "bomb.xlsx", 40 * 2**20),
    }


def _mp4_cases(folder: Path, megabytes: int) -> dict[str, Path]:
    ftyp = struct.pack(">I4s4sI4s", 20, b"ftyp", b"isom", 0x200, b"isom")
    header = struct.pack(">B3xIIII", 0, 0, 0, 1000, 30_000)
    mvhd = struct.pack(">I4s", 8 + len(header) + 80, b"mvhd") + header + bytes(80)
    moov = struct.pack(">I4s", 8 + len(mvhd), b"moov") + mvhd
    size = megabytes * 2**20
    honest = folder / "honest.mp4"
    honest.write_bytes(ftyp + moov + struct.pack(">I4s", size, b"mdat") + bytes(size - 8))
    boxes = folder / "boxes.mp4"
    boxes.write_bytes(ftyp + struct.pack(">I4s", 8, b"free") * (size // 8) + moov)
    return {"mp4 honest": honest, f"mp4 {megabytes} MB of 8-byte free boxes": boxes}


_CHILD = """
import re, sys, time
kind, path = sys.argv[1], sys.argv[2]
start = time.perf_counter()
try:
    if kind == "xlsx":
        from netweave.core.people import read_people
        outcome = f"{len(read_people(path).people)} people"
    else:
        from netweave.web.intros import media
        with open(path, "rb") as f:
            outcome = f"{media.video_seconds(f, media.MP4)} s long"
except Exception as exc:
    outcome = "refused: " + str(exc).splitlines()[0][:60]
seconds = time.perf_counter() - start
# VmHWM: this process's own peak (ru_maxrss would carry the parent's over the exec)
with open("/proc/self/status") as status:
    kib = re.search(r"VmHWM:\\s+(\\d+)", status.read()).group(1)
print(seconds, kib, outcome, sep="\\t")
"""


def _run(kind: str, path: Path) -> tuple[float, float, str]:
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, kind, str(path)],
        capture_output=True,
        text=True,
        check=True,
        timeout=900,
    ).stdout
    seconds, kib, outcome = out.strip().split("\t", 2)
    return float(seconds), int(kib) / 1024, outcome


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=2000)
    parser.add_argument("--mp4-mb", type=int, default=20)
    args = parser.parse_args()
    print(f"{'case':<40} {'size':>9} {'s':>7} {'peak MB':>8} {'x time':>7} {'x mem':>6}  outcome")
    with tempfile.TemporaryDirectory(prefix="netweave-bench-") as tmp:
        folder = Path(tmp)
        for kind, cases in (
            ("xlsx", _xlsx_cases(folder, args.people)),
            ("mp4", _mp4_cases(folder, args.mp4_mb)),
        ):
            base: tuple[float, float] | None = None
            for name, path in cases.items():
                seconds, peak, outcome = _run(kind, path)
                base = base or (seconds, peak)
                size = f"{path.stat().st_size / 1024:,.0f} KB"
                print(
                    f"{name:<40} {size:>9} {seconds:>7.2f} {peak:>8.0f} "
                    f"{seconds / base[0]:>7.1f} {peak / base[1]:>6.1f}  {outcome}"
                )


if __name__ == "__main__":
    main()
