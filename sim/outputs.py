"""Output folders and files that never lose a user's work.

Every command that writes (`run`, `compare`, `forecast`, `report`) goes through this module:

* **Refuse before any work.** An output that already exists is refused (exit 2, naming it) unless ``--force``, and
  even with ``--force`` only a ketensim output is replaced: a folder with ketensim's completion marker (or, written
  by an older version, a ``provenance.json`` naming a ketensim version), a file with ketensim's report marker. An
  empty folder is used as it is (there is nothing in it to lose). The current folder, its parents, the home folder
  and ``/`` are never an output.
* **Build beside, then swap.** The new folder is built in a hidden staging folder next to it
  (``.<name>.<pid>.partial``); the completion marker is written last; then the staging folder is swapped into place
  with one atomic exchange (``renameat2(RENAME_EXCHANGE)`` on Linux; elsewhere two renames, the old folder parked
  under a hidden name meanwhile), and only then is the old folder removed. At every instant either the old or the new
  complete folder exists. If anything fails, or the run is interrupted, the staging folder is removed and the old
  folder is untouched.
* **One writer at a time.** A lock file beside the output (``.<name>.lock``, an advisory ``flock``, released by the
  kernel if the process dies) refuses a second writer of the same output.
* **Only complete folders are read.** `is_complete` is true only for a folder with the completion marker that is not
  a staging folder; the results reader (`sim.results`) refuses the rest.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import datetime as dt
import errno
import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

from . import __version__
from .errors import ProblemsError

MARKER = ".ketensim-complete"  # JSON {"kind", "ketensim_version", "completed_at"}, written last
REPORT_MARKER = '<meta name="generator" content="ketensim'  # in the head of every report ketensim writes
STAGING_SUFFIX = ".partial"


class OutputError(ProblemsError):
    """An output that must not be written: each problem names the path and the reason."""


# ----------------------------------------------------------------------------------------------------- checks


def _never_an_output(out: Path) -> str | None:
    """Why `out` can never be an output folder (the current folder or a parent of it, home, the root), or None."""
    try:
        resolved = out.resolve()
        cwd = Path.cwd().resolve()
    except OSError as e:  # pragma: no cover - a vanished working directory
        return f"cannot resolve the path ({e.strerror or e})"
    if resolved == cwd or resolved in cwd.parents:
        return "is the current folder or one of its parents; give a new folder, e.g. results/try1"
    if resolved == Path.home().resolve() or resolved == Path(resolved.anchor):
        return "is the home folder or the root; give a new folder, e.g. results/try1"
    return None


def is_ketensim_folder(folder: Path) -> bool:
    """A folder ketensim wrote: its completion marker, or (an older version's output) a provenance.json naming a
    ketensim version."""
    if (folder / MARKER).is_file():
        return True
    try:
        prov = json.loads((folder / "provenance.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(prov, dict) and "ketensim_version" in prov


def is_complete(folder: Path) -> bool:
    """True for a folder ketensim finished writing: it has the completion marker and is not a staging folder."""
    return (folder / MARKER).is_file() and not folder.name.endswith(STAGING_SUFFIX)


def completion(folder: Path) -> dict | None:
    """The completion marker's contents (kind, version, time), or None if the folder is not complete."""
    if not is_complete(folder):
        return None
    try:
        data = json.loads((folder / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def folder_problems(out: Path, force: bool, lock_held: bool = False) -> list[str]:
    """What keeps `out` from being written as an output folder now (empty if it may be); `lock_held`: this process
    holds the output's lock (so it is not asked who does)."""
    if str(out).strip() == "":
        return ["--out: an empty path; give a folder, e.g. results/try1"]
    why = _never_an_output(out)
    if why:
        return [f"{out}: {why}"]
    if out.name.endswith(STAGING_SUFFIX) or out.name.endswith(".lock") or out.name == MARKER:
        return [f"{out}: a name ketensim uses for its own working files; choose another"]
    if out.exists() or out.is_symlink():
        if not out.is_dir() or out.is_symlink():
            return [f"{out}: exists and is not a folder; give a new folder name"]
        try:
            empty = not any(out.iterdir())
        except OSError as e:
            return [f"{out}: cannot be read ({e.strerror or e})"]
        if not empty:
            if not force:
                return [f"{out}: already exists; give another --out, or --force to replace this ketensim output"]
            if not is_ketensim_folder(out):
                return [
                    f"{out}: exists and is not a ketensim output (no {MARKER} and no ketensim provenance.json); "
                    "it is not replaced, even with --force"
                ]
    parent = out.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        probe = parent / f".ketensim-probe-{os.getpid()}"
        probe.write_text("")
        probe.unlink()
    except OSError as e:
        return [f"{out}: cannot write there ({e.strerror or e})"]
    holder = None if lock_held else _lock_holder(out)
    if holder is not None:
        return [f"{out}: another ketensim process ({holder}) is writing it; wait for it or give another --out"]
    return []


def check_output_folder(out: Path, force: bool, lock_held: bool = False) -> None:
    """Raise `OutputError` if `out` may not be written as an output folder (see `folder_problems`)."""
    problems = folder_problems(out, force, lock_held)
    if problems:
        raise OutputError(problems)


def file_problems(out: Path, force: bool) -> list[str]:
    """What keeps `out` from being written as a report file now."""
    if str(out).strip() == "" or out.name == "":
        return ["--out: an empty path; give a file name such as workshop.html"]
    if out.is_dir():
        return [f"{out}: is a folder; --out needs a file name such as {out / 'report.html'}"]
    if out.exists():
        if not force:
            return [f"{out}: already exists; give another --out, or --force to replace this ketensim report"]
        try:
            with open(out, encoding="utf-8", errors="replace") as f:
                head = f.read(4096)
        except OSError as e:
            return [f"{out}: cannot be read ({e.strerror or e})"]
        if REPORT_MARKER not in head:
            return [f"{out}: exists and is not a ketensim report; it is not replaced, even with --force"]
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        probe = out.parent / f".ketensim-probe-{os.getpid()}"
        probe.write_text("")
        probe.unlink()
    except OSError as e:
        return [f"{out}: cannot write there ({e.strerror or e})"]
    return []


# ----------------------------------------------------------------------------------------------------- locks


def _lock_path(out: Path) -> Path:
    return out.parent / f".{out.name}.lock"


def _lock_holder(out: Path) -> str | None:
    """ "pid N" if another process holds the lock of `out`, else None."""
    import fcntl

    path = _lock_path(out)
    if not path.exists():
        return None
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except OSError:
        try:
            pid = path.read_text().strip()
        except OSError:  # pragma: no cover
            pid = "?"
        return f"pid {pid}" if pid else "another process"
    finally:
        os.close(fd)
    return None


@contextlib.contextmanager
def output_lock(out: Path) -> Iterator[None]:
    """Hold the lock of output `out`; `OutputError` if another process holds it. The kernel releases it if this
    process dies, so a killed run leaves no stale lock."""
    import fcntl

    path = _lock_path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            holder = _lock_holder(out) or "another process"
            raise OutputError(
                [f"{out}: another ketensim process ({holder}) is writing it; wait or give another --out"]
            ) from None
        try:
            same = os.fstat(fd).st_ino == os.stat(path).st_ino
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(fd)  # the file was removed by a writer that just finished: lock the new one
    try:
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        yield
    finally:
        with contextlib.suppress(OSError):
            os.unlink(path)
        os.close(fd)


# ----------------------------------------------------------------------------------------------------- folders


def write_marker(folder: Path, kind: str) -> None:
    """Mark `folder` complete (last file written)."""
    data = {
        "kind": kind,
        "ketensim_version": __version__,
        "completed_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    tmp = folder / f"{MARKER}.tmp"
    tmp.write_text(json.dumps(data) + "\n", encoding="utf-8")
    os.replace(tmp, folder / MARKER)


def _remove_stale_staging(out: Path) -> None:
    """Staging folders of `out` left by processes that no longer run (killed hard, e.g. SIGKILL)."""
    for p in out.parent.glob(f".{out.name}.*{STAGING_SUFFIX}"):
        pid = p.name[len(out.name) + 2 : -len(STAGING_SUFFIX)]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(p, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # pragma: no cover - someone else's process
        return True
    return True


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux renameat2 RENAME_EXCHANGE); False where that is not available."""
    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return False
    try:
        libc = ctypes.CDLL(libc_name, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    rc = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if rc == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(err, os.strerror(err), str(b))


def swap_into_place(stage: Path, out: Path) -> None:
    """Put the complete folder `stage` at `out`; an existing `out` is replaced without an instant in which neither
    the old nor the new folder exists, and removed only once the new one is in place."""
    if not out.exists():
        os.rename(stage, out)  # onto nothing, or onto an empty folder: atomic
        return
    if _exchange(stage, out):
        shutil.rmtree(stage)  # now holds the old folder
        return
    parked = out.with_name(f".{out.name}.{os.getpid()}.old")  # pragma: no cover - not Linux
    os.rename(out, parked)  # pragma: no cover
    os.rename(stage, out)  # pragma: no cover
    shutil.rmtree(parked)  # pragma: no cover


@contextlib.contextmanager
def staged_folder(out: Path, force: bool, kind: str) -> Iterator[Path]:
    """Build output folder `out` safely: check it (see `folder_problems`), hold its lock, yield a fresh staging
    folder to write into; on a normal exit mark the staging folder complete and swap it into place; on any
    exception or interrupt remove it and leave `out` as it was."""
    out = Path(out)
    check_output_folder(out, force)
    with output_lock(out):
        check_output_folder(out, force, lock_held=True)  # again under the lock: nothing changed meanwhile
        _remove_stale_staging(out)
        stage = out.with_name(f".{out.name}.{os.getpid()}{STAGING_SUFFIX}")
        if stage.exists():
            shutil.rmtree(stage)
        stage.mkdir(parents=True)
        try:
            yield stage
            write_marker(stage, kind)
            swap_into_place(stage, out)
        except BaseException:
            shutil.rmtree(stage, ignore_errors=True)
            raise


def write_file(out: Path, text: str, force: bool) -> Path:
    """Write a report file atomically (a hidden temporary file beside it, then one rename); an existing file is
    replaced only with `force` and only if ketensim wrote it."""
    out = Path(out)
    problems = file_problems(out, force)
    if problems:
        raise OutputError(problems)
    tmp = out.with_name(f".{out.name}.{os.getpid()}{STAGING_SUFFIX}")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, out)
    finally:
        if tmp.exists():
            tmp.unlink()
    return out
