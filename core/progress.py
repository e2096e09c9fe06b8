"""Progress for long commands (imports, ``recompute_flags``, ``generate_data``): one helper, built on tqdm.

Services count, commands show. A service takes a plain callback ``progress(done, total)`` and calls
it as it goes; it knows nothing of terminals. A command makes a ``ProgressBar`` on its output and
passes the bar down as that callback::

    with ProgressBar(self.stdout, desc="rows") as progress:
        summary = import_ucdp(path, progress=progress)

What it writes depends on where the output goes:

- **A terminal**: a tqdm bar redrawn in place, with done/total, the percentage, the rate and the
  time left (``rows:  45%|████▌     | 900/2000 [00:01<00:01, 850.00 rows/s]``). It is cleared at
  the end.
- **Anything else** (``call_command`` into a ``StringIO`` in tests, CI logs, a pipe): a plain count
  line each time another tenth of the work is done, the last at done == total, so a log gets ten
  lines at most however long the run (``rows [#########.....................] 600/2000``).

Either way it ends with one summary line, ``rows: 2000/2000 in 3.1s (645/s)`` (``stopped at 600/2000``
when the work ended early, e.g. on an error). Nothing is written when the callback was never called.
The command's own result line (what was created, changed, …) comes after it.

``desc`` names the count before the bar, ``unit`` after the counts (``[####…] 40/40 claims``); the
summary is headed by ``desc``, or else by ``unit``.

``StagedProgress`` is the same for work in named stages, ``progress(stage, done, total)`` (the data
generator: reports, claims, relations, flags): a bar and a summary line per stage.
"""

from __future__ import annotations

import shutil
import time
from typing import Any, Self

from django.core.management.base import OutputWrapper
from tqdm import tqdm

BAR_WIDTH = 30  # characters of the plain line's bar


class _Stream:
    """A command's ``self.stdout`` (which ends every write with a newline) or any text stream, written as is."""

    def __init__(self, out: Any) -> None:
        self.out = out

    def write(self, text: str) -> None:
        if isinstance(self.out, OutputWrapper):
            self.out.write(text, ending="")
        else:
            self.out.write(text)

    def flush(self) -> None:
        self.out.flush()

    def isatty(self) -> bool:
        isatty = getattr(self.out, "isatty", None)
        return bool(isatty and isatty())

    def __getattr__(self, name: str) -> Any:  # encoding, fileno: tqdm reads them for its characters and width
        return getattr(self.out, name)


class _Closing:
    """Used in a ``with`` block, ``close()`` runs at its end, whatever happens in it."""

    def close(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class ProgressBar(_Closing):
    """A ``progress(done, total)`` callback that shows the count: a bar on a terminal, a line per
    tenth elsewhere, and a summary line on ``close()`` (or at the end of a ``with`` block).

    ``tty`` overrides the check of ``out.isatty()``; ``started`` (a ``time.monotonic()`` value) is when
    the work began, by default when the bar is made.
    """

    def __init__(
        self, out: Any, *, desc: str = "", unit: str = "", tty: bool | None = None, started: float | None = None
    ) -> None:
        self.stream = _Stream(out)
        self.desc = desc
        self.unit = unit
        self.tty = self.stream.isatty() if tty is None else tty
        self.started = time.monotonic() if started is None else started
        self.updated = self.started  # when the callback was last called
        self.done = 0
        self.total = 0
        self.counting = False  # called at least once
        self._bar: tqdm | None = None
        self._tenth = 0  # the last tenth a plain line was written for
        self._closed = False

    def __call__(self, done: int, total: int) -> None:
        self.done, self.total, self.counting = done, total, True
        self.updated = time.monotonic()
        if self.tty:
            self._draw(done, total)
        else:
            self._log(done, total)

    def _draw(self, done: int, total: int) -> None:
        if self._bar is None:
            label = self.desc or self.unit
            self._bar = tqdm(
                total=total,
                initial=done,
                desc=self.desc or None,
                unit=f" {label}" if label else "it",
                file=self.stream,
                leave=False,
                # The width once, from shutil (which falls back to 80 for a terminal of size 0, e.g. a fresh
                # `docker exec -t`); tqdm's own sizing hides the bar there.
                ncols=shutil.get_terminal_size().columns - 1,
            )
            return
        if self._bar.total != total:
            self._bar.total = total
        self._bar.update(done - self._bar.n)

    def _log(self, done: int, total: int) -> None:
        tenth = min(10, done * 10 // total) if total > 0 else 10
        if tenth > self._tenth:
            self._tenth = tenth
            self._line(self.line(done, total))

    def line(self, done: int, total: int) -> str:
        """The plain count line: ``desc [####......] done/total unit``."""
        filled = min(BAR_WIDTH, BAR_WIDTH * done // total) if total > 0 else BAR_WIDTH
        bar = "#" * filled + "." * (BAR_WIDTH - filled)
        return " ".join(part for part in (self.desc, f"[{bar}]", f"{done}/{total}", self.unit) if part)

    def summary(self) -> str:
        """``desc: done/total in 1.2s (345/s)``, or ``desc: stopped at done/total after 1.2s``: the time
        from the start to the last count."""
        elapsed = self.updated - self.started
        head = f"{self.desc or self.unit}: " if self.desc or self.unit else ""
        if self.done < self.total:
            return f"{head}stopped at {self.done}/{self.total} after {elapsed:.1f}s"
        rate = f" ({self.done / elapsed:,.0f}/s)" if elapsed > 0 else ""
        return f"{head}{self.done}/{self.total} in {elapsed:.1f}s{rate}"

    def close(self) -> None:
        """Clear the bar and write the summary line (once; nothing when nothing was counted)."""
        if self._closed:
            return
        self._closed = True
        if self._bar is not None:
            self._bar.close()
            self._bar = None
        if self.counting:
            self._line(self.summary())

    def _line(self, text: str) -> None:
        self.stream.write(text + "\n")
        self.stream.flush()


class StagedProgress(_Closing):
    """A ``progress(stage, done, total)`` callback: a ``ProgressBar`` per stage, each closed (with its
    summary line) when the next stage starts or at the end. A stage's time runs from the last count
    of the stage before (the first stage's from when this is made)."""

    def __init__(self, out: Any, *, tty: bool | None = None) -> None:
        self.out = out
        self.tty = tty
        self.stage: str | None = None
        self.bar: ProgressBar | None = None
        self._since = time.monotonic()  # when the next stage starts

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage != self.stage or self.bar is None:
            self.close()
            self.stage = stage
            self.bar = ProgressBar(self.out, desc=stage, tty=self.tty, started=self._since)
        self.bar(done, total)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self._since = self.bar.updated
            self.bar = None
