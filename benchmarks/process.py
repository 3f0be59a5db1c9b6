"""Child processes measured exactly: wall time and the child's own peak RSS, and
`python -X importtime` output grouped by top-level package.

Peak RSS comes from `/usr/bin/time -f %M`, not from our own `wait4`: a child forked (or vforked)
by this big process inherits our high-water mark across `exec`, so its `ru_maxrss` would read as
ours. Without `/usr/bin/time`, psutil polls the child every 5 ms instead.

>>> import sys
>>> r = run_measured([sys.executable, "-c", "print('hi')"])
>>> r.ok, r.stdout.strip(), r.max_rss_mb > 1
(True, 'hi', True)
"""

from __future__ import annotations

import re
import subprocess
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

TIME = Path("/usr/bin/time")
_IMPORT_LINE = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)")


@dataclass(frozen=True)
class Run:
    seconds: float
    max_rss_mb: float
    returncode: int
    stdout: str
    stderr: str

    @property
    def ok(self) -> bool:
        return self.returncode == 0


def run_measured(cmd: Sequence[str], env: Mapping[str, str] | None = None,
                 cwd: Path | None = None, timeout_s: float = 180.0) -> Run:
    """Run `cmd` to completion; killed after `timeout_s` (returncode then negative)."""
    with (tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err,
          tempfile.NamedTemporaryFile("r") as rss):
        wrap = [str(TIME), "-f", "%M", "-o", rss.name] if TIME.is_file() else []
        t0 = time.perf_counter()
        p = subprocess.Popen([*wrap, *cmd], env=dict(env) if env else None, cwd=cwd,
                             stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        poll = None if wrap else _Poller(p.pid)
        try:
            p.wait(timeout_s)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
        seconds = time.perf_counter() - t0
        peak_kb = _last_number(rss.read()) if poll is None else poll.stop() / 1024
        out.seek(0)
        err.seek(0)
        return Run(seconds, peak_kb / 1024, p.returncode,
                   out.read().decode(errors="replace"), err.read().decode(errors="replace"))


def _last_number(text: str) -> float:
    """The figure /usr/bin/time wrote last (0.0 when the run was killed before it wrote one)."""
    lines = text.strip().splitlines()
    try:
        return float(lines[-1])
    except (IndexError, ValueError):
        return 0.0


class _Poller:
    """Peak RSS of a process by polling (fallback when /usr/bin/time is missing)."""

    def __init__(self, pid: int) -> None:
        import psutil

        self.peak = 0
        self._proc = psutil.Process(pid)
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        while not self._done.wait(0.005):
            try:
                self.peak = max(self.peak, self._proc.memory_info().rss)
            except Exception:  # psutil.NoSuchProcess / ZombieProcess: it has exited
                return

    def stop(self) -> int:
        self._done.set()
        self._thread.join()
        return self.peak


def import_times(stderr: str, top: int = 10) -> dict[str, object]:
    """Self import time per top-level package from `-X importtime` output.

    >>> import_times("import time:       300 |        500 |   a.b\\nimport time: 200 | 200 | a")
    {'total_s': 0.0005, 'modules': 2, 'top': [['a', 0.0005]], 'packages': ['a']}
    """
    per: Counter[str] = Counter()
    n = 0
    for line in stderr.splitlines():
        m = _IMPORT_LINE.match(line)
        if m:
            n += 1
            per[m[4].split(".")[0]] += int(m[1])
    return {"total_s": round(sum(per.values()) / 1e6, 4), "modules": n,
            "top": [[k, round(v / 1e6, 4)] for k, v in per.most_common(top)],
            "packages": sorted(per)}
