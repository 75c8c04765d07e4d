"""Writing an output file safely: never through a stray link, never over what is not ours, never hanging on a pipe.

`open_output` checks the target before the long run and opens what it will write into; then
`Output.write(text)` puts the text in place (or `discard()` leaves everything as it was):

- a regular file (or a missing one) gets a fresh temporary file in the same folder (O_CREAT|O_EXCL,
  so no existing name or link is ever opened), renamed over the target with os.replace;
- an existing regular file that `is_ours` does not recognise is replaced only with `force`;
- a symbolic link is followed to the regular file it points to, which is replaced (the link stays);
  a dangling or looping link is refused;
- a named pipe (FIFO) or a character device (/dev/null, a terminal) is written into, never
  replaced; a pipe nobody reads from is refused at once instead of waiting for a reader;
- /dev/stdout, /dev/stderr and /dev/fd/N (what `--report >(cmd)` passes) write into that open file;
- a folder, block device, socket or anything else is refused.

Every refusal or failure is one UsageError line naming the file and the problem.
"""

from __future__ import annotations

import errno
import os
import re
import stat
import tempfile
from dataclasses import dataclass
from typing import Callable

from visualizer.errors import UsageError

MAX_CHECK_BYTES = 256 * 1024 * 1024      # anything bigger is not one of our files: not even read
OWN_FD = re.compile(r"^/(?:dev/fd|proc/self/fd)/(\d+)$")
STD_NAMES = {"/dev/stdout": 1, "/dev/stderr": 2}
NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


@dataclass
class Output:
    """An open target: `fd` is the stream itself, or a temporary file that will replace `final`."""

    label: str                     # "--report out.json", for messages
    fd: int
    final: str | None = None       # the regular file to replace (None: write straight into `fd`)
    temp: str | None = None

    def write(self, text: str) -> None:
        """Write all of `text`, then put it in place; on failure nothing of the user's is changed."""
        try:
            _write_all(self.fd, text.encode("utf-8"))
            if self.temp is not None:
                os.fsync(self.fd)
        except OSError as err:
            self.discard()
            raise UsageError(f"{self.label}: {_why_write_failed(err)}") from None
        os.close(self.fd)
        self.fd = -1
        if self.temp is not None:
            try:
                os.replace(self.temp, self.final)
            except OSError as err:
                self.discard()
                raise UsageError(f"{self.label}: cannot replace it ({err.strerror or err})") from None
            self.temp = None

    def discard(self) -> None:
        """Close without putting anything in place (interrupted, or failed)."""
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1
        if self.temp is not None:
            try:
                os.unlink(self.temp)
            except OSError:
                pass
            self.temp = None


def open_output(name: str, *, flag: str, force: bool, is_ours: Callable[[bytes], bool],
                kind: str = "a report") -> Output:
    """Check `name` and open what will be written into (see the module docstring), or raise UsageError."""
    label = f"{flag} {name}"

    def fail(problem: str) -> UsageError:
        return UsageError(f"{label}: {problem}")

    fd = _own_fd(name)
    if fd is not None:
        return Output(label, _dup_for_writing(fd, fail))
    try:
        st = os.lstat(name)
    except FileNotFoundError:
        return _new_file(label, name, fail)
    except OSError as err:
        raise fail(err.strerror or str(err)) from None
    path = name
    if stat.S_ISLNK(st.st_mode):
        path, st = _follow(name, fail)
    if stat.S_ISREG(st.st_mode):
        if not force and not _holds_ours(path, is_ours):
            raise fail(f"the file exists and is not {kind} of ours; pick another name or add --force to replace it")
        return _replacement(label, path, fail)
    if stat.S_ISFIFO(st.st_mode) or stat.S_ISCHR(st.st_mode):
        return Output(label, _open_stream(path, fail))
    raise fail(_not_writable_kind(st.st_mode))


# ---- what the target is ----------------------------------------------------------------------------

def _own_fd(name: str) -> int | None:
    """The file descriptor a name like /dev/stdout or /dev/fd/3 means, else None."""
    if name in STD_NAMES:
        return STD_NAMES[name]
    m = OWN_FD.match(name)
    return int(m.group(1)) if m else None


def _follow(name: str, fail: Callable[[str], UsageError]) -> tuple[str, os.stat_result]:
    """Where a symbolic link finally points, and what is there; a dangling or looping link is refused."""
    try:
        real = os.path.realpath(name, strict=True)
        return real, os.stat(real)
    except FileNotFoundError:
        raise fail(f"is a link to {os.readlink(name)}, which does not exist (not written through)") from None
    except OSError as err:
        if err.errno == errno.ELOOP:
            raise fail("is a link that loops back on itself") from None
        raise fail(f"cannot follow the link ({err.strerror or err})") from None


def _not_writable_kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "is a directory"
    if stat.S_ISBLK(mode):
        return "is a block device (a disk): not written"
    if stat.S_ISSOCK(mode):
        return "is a socket: not written"
    return "is not a regular file: not written"


def _holds_ours(path: str, is_ours: Callable[[bytes], bool]) -> bool:
    """Whether the regular file at `path` is one we wrote; opened without following links or blocking."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | NOFOLLOW | os.O_CLOEXEC)
    except OSError:
        return False
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_CHECK_BYTES:
            return False
        with os.fdopen(os.dup(fd), "rb") as f:
            return is_ours(f.read(MAX_CHECK_BYTES + 1))
    except OSError:
        return False
    finally:
        os.close(fd)


# ---- opening it ---------------------------------------------------------------------------------------

def _new_file(label: str, name: str, fail: Callable[[str], UsageError]) -> Output:
    folder, base = os.path.split(name)
    if not base:
        raise fail("names a folder, not a file")
    folder = folder or "."
    if not os.path.isdir(folder):
        raise fail(f"folder {folder} does not exist")
    return _replacement(label, name, fail)


def _replacement(label: str, final: str, fail: Callable[[str], UsageError]) -> Output:
    """A fresh temporary file next to `final` (never an existing name), to be renamed over it."""
    folder, base = os.path.split(final)
    folder = folder or "."
    try:
        fd, temp = tempfile.mkstemp(prefix=f".{base}.", suffix=".tmp", dir=folder)
    except OSError as err:
        raise fail(f"cannot write in folder {folder} ({err.strerror or err})") from None
    try:
        os.chmod(temp, 0o666 & ~_umask())     # as an ordinary new file would be (mkstemp makes it 0600)
    except OSError:
        pass
    return Output(label, fd, final, temp)


def _open_stream(path: str, fail: Callable[[str], UsageError]) -> int:
    """Open a FIFO or character device for writing, without waiting for a reader."""
    import fcntl      # POSIX only, as FIFOs and device nodes are

    try:
        fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
    except OSError as err:
        if err.errno == errno.ENXIO:
            raise fail("a named pipe nobody is reading from (start the reader first)") from None
        raise fail(err.strerror or str(err)) from None
    mode = os.fstat(fd).st_mode
    if not (stat.S_ISFIFO(mode) or stat.S_ISCHR(mode)):
        os.close(fd)
        raise fail("changed while it was being checked; not written")
    fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) & ~os.O_NONBLOCK)
    return fd


def _dup_for_writing(fd: int, fail: Callable[[str], UsageError]) -> int:
    """A copy of our own open file descriptor `fd` (a pipe from >(cmd), a redirected stdout)."""
    import fcntl

    try:
        flags = fcntl.fcntl(fd, fcntl.F_GETFL)
    except OSError:
        raise fail(f"file descriptor {fd} is not open") from None
    if flags & os.O_ACCMODE not in (os.O_WRONLY, os.O_RDWR):
        raise fail(f"file descriptor {fd} is not open for writing")
    if stat.S_ISDIR(os.fstat(fd).st_mode):
        raise fail("is a directory")
    return os.dup(fd)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _why_write_failed(err: OSError) -> str:
    if err.errno == errno.EPIPE:
        return "the reader closed the pipe before everything was written"
    return f"cannot write ({err.strerror or err})"


def _umask() -> int:
    mask = os.umask(0o22)
    os.umask(mask)
    return mask
