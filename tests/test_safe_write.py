"""--report writes safely: fresh temporary names, links, pipes, devices, unwritable folders; one line on failure."""

from __future__ import annotations

import errno
import os
import socket
import stat
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest

from visualizer.cli import main
from visualizer.errors import UsageError
from visualizer.safe_write import open_output

ROOT = Path(__file__).resolve().parents[1]
RUN = ["--scenario", "single-server", "--headless", "--duration", "2"]


@pytest.fixture(scope="module")
def expected() -> str:
    """The report every run below writes, as `--report -` prints it."""
    out = subprocess.run([sys.executable, str(ROOT / "main.py"), *RUN], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return out.stdout


def report(target: Path | str, *extra: str) -> int:
    return main([*RUN, "--report", str(target), *extra])


def one_line_error(capsys, *needles: str) -> str:
    err = capsys.readouterr().err
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("main.py: error: --report ") and "Traceback" not in err, err
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])
    return lines[0]


def spawn(*argv: str, stdout=subprocess.PIPE) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *RUN, *argv], stdout=stdout,
                          stderr=subprocess.PIPE, timeout=30)


# ---- temporary files ---------------------------------------------------------------------------------

def test_a_folder_named_like_the_old_temporary_file_is_no_obstacle(tmp_path, expected):
    (tmp_path / "r.json.tmp").mkdir()
    assert report(tmp_path / "r.json") == 0
    assert (tmp_path / "r.json").read_text() == expected
    assert (tmp_path / "r.json.tmp").is_dir() and not any((tmp_path / "r.json.tmp").iterdir())


def test_a_link_at_the_old_temporary_name_is_never_followed(tmp_path, expected):
    victim = tmp_path / "victim.txt"
    victim.write_text("my notes")
    (tmp_path / "r.json.tmp").symlink_to(victim)
    assert report(tmp_path / "r.json") == 0
    assert victim.read_text() == "my notes" and os.readlink(tmp_path / "r.json.tmp") == str(victim)
    assert (tmp_path / "r.json").read_text() == expected
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.json", "r.json.tmp", "victim.txt"]


def test_temporary_files_get_fresh_names_and_ordinary_permissions(tmp_path, monkeypatch):
    made = []
    real = tempfile.mkstemp
    monkeypatch.setattr(tempfile, "mkstemp", lambda **kw: made.append(real(**kw)) or made[-1])
    assert report(tmp_path / "r.json") == 0
    assert len(made) == 1 and Path(made[0][1]).parent == tmp_path and Path(made[0][1]).name != "r.json.tmp"
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE(os.stat(tmp_path / "r.json").st_mode) == 0o666 & ~mask


def test_an_unwritable_folder_is_one_line(tmp_path, monkeypatch, capsys):
    earlier = tmp_path / "r.json"
    assert report(earlier) == 0
    before = earlier.read_text()
    capsys.readouterr()

    def read_only(**kw):
        raise OSError(errno.EROFS, os.strerror(errno.EROFS))

    monkeypatch.setattr(tempfile, "mkstemp", read_only)
    assert report(earlier) == 2
    one_line_error(capsys, str(earlier), f"folder {tmp_path}", "Read-only file system")
    assert earlier.read_text() == before


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into any folder")
def test_a_folder_without_write_permission_is_one_line(tmp_path, capsys):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        assert report(locked / "r.json") == 2
        one_line_error(capsys, "cannot write in folder", "ermission denied")
    finally:
        locked.chmod(0o755)


def test_a_kernel_folder_is_one_line_and_exit_2():
    out = spawn("--report", "/proc/no-report-here.json")
    err = out.stderr.decode()
    assert out.returncode == 2 and len(err.strip().splitlines()) == 1 and "Traceback" not in err, err


def test_a_failed_write_leaves_everything_as_it_was(tmp_path, monkeypatch):
    earlier = tmp_path / "r.json"
    earlier.write_text('{"requests": {}, "events": [], "series": []}')
    out = open_output(str(earlier), flag="--report", force=False, is_ours=lambda b: True)
    monkeypatch.setattr(os, "replace", lambda a, b: (_ for _ in ()).throw(OSError(errno.EIO, "I/O error")))
    with pytest.raises(UsageError, match="cannot replace it"):
        out.write("new text")
    assert earlier.read_text() == '{"requests": {}, "events": [], "series": []}'
    assert [p.name for p in tmp_path.iterdir()] == ["r.json"]
    out = open_output(str(tmp_path / "new.json"), flag="--report", force=False, is_ours=lambda b: True)
    out.discard()
    assert [p.name for p in tmp_path.iterdir()] == ["r.json"], "an interrupted run leaves no temporary file"


# ---- pipes and devices: written into, never replaced, never waited on -------------------------------

def test_a_fifo_nobody_reads_is_refused_at_once(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    out = spawn("--report", str(fifo))            # a hang is a TimeoutExpired: a failure
    err = out.stderr.decode()
    assert out.returncode == 2 and len(err.strip().splitlines()) == 1 and "nobody is reading" in err, err
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def drain(fd: int, proc: subprocess.Popen) -> bytes:
    """Everything `proc` writes into the pipe or FIFO read end `fd`; a hang fails after 30 s."""
    got: list[bytes] = []

    def read() -> None:
        while True:
            try:
                chunk = os.read(fd, 65536)
            except BlockingIOError:        # a writer is there but has written nothing yet
                chunk = None
            if chunk:
                got.append(chunk)
            elif chunk == b"" and proc.poll() is not None:
                return
            else:
                time.sleep(0.01)           # (a FIFO also reads as empty until its writer opens it)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        assert proc.wait(timeout=30) == 0, proc.stderr.read()
    finally:
        proc.kill()
        proc.wait()
    reader.join(timeout=10)
    os.close(fd)
    return b"".join(got)


def test_a_fifo_with_a_reader_gets_the_report(tmp_path, expected):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    fd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)      # the reader is there first, as `cat pipe &` would be
    proc = subprocess.Popen([sys.executable, str(ROOT / "main.py"), *RUN, "--report", str(fifo)],
                            stderr=subprocess.PIPE)
    assert drain(fd, proc).decode() == expected
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_process_substitution_gets_the_report(expected):
    """`--report >(cmd)`: the shell passes /dev/fd/N, the write end of a pipe."""
    r, w = os.pipe()
    os.set_blocking(r, False)
    proc = subprocess.Popen([sys.executable, str(ROOT / "main.py"), *RUN, "--report", f"/dev/fd/{w}"],
                            pass_fds=(w,), stderr=subprocess.PIPE)
    os.close(w)
    assert drain(r, proc).decode() == expected


def test_dev_stdout_redirected_to_a_file_is_written_not_refused(tmp_path, expected):
    target = tmp_path / "out.json"
    with open(target, "w") as f:
        out = spawn("--report", "/dev/stdout", stdout=f)
    assert out.returncode == 0, out.stderr
    assert target.read_text() == expected


def test_force_never_replaces_a_device_node(tmp_path):
    link = tmp_path / "quiet"
    link.symlink_to("/dev/null")
    assert report(link, "--force") == 0
    assert link.is_symlink() and stat.S_ISCHR(os.stat("/dev/null").st_mode)
    node = tmp_path / "null"
    try:
        os.mknod(node, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except PermissionError:
        pytest.skip("making a device node needs privileges")
    assert report(node, "--force") == 0
    assert stat.S_ISCHR(os.lstat(node).st_mode), "the device node is still a device node"


def test_block_devices_and_sockets_are_refused(tmp_path, capsys):
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(tmp_path / "sock"))
    try:
        assert report(tmp_path / "sock", "--force") == 2
        one_line_error(capsys, "is a socket")
    finally:
        sock.close()
    try:
        os.mknod(tmp_path / "disk", stat.S_IFBLK | 0o600, os.makedev(7, 0))
    except PermissionError:
        pytest.skip("making a device node needs privileges")
    assert report(tmp_path / "disk", "--force") == 2
    one_line_error(capsys, "is a block device")
    assert stat.S_ISBLK(os.lstat(tmp_path / "disk").st_mode)


# ---- links and other refusals ---------------------------------------------------------------------------

def test_a_link_to_an_earlier_report_replaces_that_report_and_keeps_the_link(tmp_path, expected):
    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / "today.json").write_text('{"requests": {}, "events": [], "series": []}')
    (tmp_path / "latest.json").symlink_to(reports / "today.json")
    assert report(tmp_path / "latest.json") == 0
    assert (tmp_path / "latest.json").is_symlink() and (reports / "today.json").read_text() == expected


def test_a_link_to_someone_elses_file_needs_force(tmp_path, capsys):
    notes = tmp_path / "notes.txt"
    notes.write_text("my lecture notes")
    (tmp_path / "r.json").symlink_to(notes)
    assert report(tmp_path / "r.json") == 2
    one_line_error(capsys, "not a report")
    assert notes.read_text() == "my lecture notes"


@pytest.mark.parametrize("make, needle", [
    (lambda d: (d / "r.json").symlink_to(d / "missing.json"), "does not exist (not written through)"),
    (lambda d: (d / "r.json").symlink_to(d / "r.json"), "loops"),
    (lambda d: (d / "r.json").mkdir(), "is a directory"),
    (lambda d: None, "does not exist"),
])
def test_other_refusals_are_one_line_and_leave_nothing(tmp_path, capsys, make, needle):
    make(tmp_path)
    before = sorted(p.name for p in tmp_path.iterdir())
    target = tmp_path / "r.json" if before else tmp_path / "no-such-folder" / "r.json"
    assert report(target, "--force") == 2
    one_line_error(capsys, str(target), needle)
    assert sorted(p.name for p in tmp_path.iterdir()) == before
