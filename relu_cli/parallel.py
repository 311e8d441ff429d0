"""Worker processes for large inputs: the bulk parse, compute and format of blocks (see
:mod:`relu_cli.transform`) run in forked copies of relu-cli while the main process reads and writes.

The work is a pure function from bytes to bytes (or None). Jobs go out round robin and their results are
taken back in the order they were given, so the output is the same as from one process. Only bytes cross
between the processes: the work itself, with whatever it closes over, is already in each copy from the
fork. They cross through memory shared with each worker, a few slots of it, and a pipe carries where and
how long; a job or result too big for a slot, or with every slot taken, goes through the pipe itself.

The main process never blocks on a worker that is itself waiting: it writes jobs and reads results
through one ``select`` loop. A worker that dies, or whose work fails, costs nothing but time: its job is
done again in the main process.
"""

from __future__ import annotations

import mmap
import os
import select
import signal
import struct
import sys
import warnings
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TypeVar

Work = Callable[[bytes], bytes | None]
T = TypeVar("T")
#: Bytes of jobs before the workers are started: a smaller input is done before they would have been
BIG_INPUT = 1 << 18

_HEADER = struct.Struct("<qq")  # where the bytes are (a slot, or one of these two) and how many
_INLINE = -1  # in the pipe, right after the header
_NONE = -2  # nowhere: the work gave None
_SLOTS = 3  # a worker's jobs in shared memory at a time
_JOB_SLOT = 1 << 20
_RESULT_SLOT = 2 << 20  # text out may be longer than text in: 1 becomes 1.0
_PIPE_SIZE = 1 << 20  # a chunk's worth, so that a job or result rarely waits for the other side
_F_SETPIPE_SZ = 1031  # Linux's fcntl command for the size of a pipe (fcntl.F_SETPIPE_SZ from Python 3.10)


def available_cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def default_count() -> int:
    """Workers to use by default: one a core, up to four (the main process's reading and writing limit
    what more could give); none on one core, and none but on Linux, where forking a process that has
    loaded numpy is known to be safe (macOS's system libraries are not made for it; Windows cannot fork).
    ``--jobs`` asks for them anywhere ``os.fork`` exists."""
    cores = available_cores()
    return min(cores, 4) if cores > 1 and sys.platform.startswith("linux") else 0


@dataclass
class Job:
    """One piece of work given out, and then its result."""

    data: bytes
    slot: int | None = None  # where in the worker's shared memory it went, if it went there
    done: bool = False
    result: bytes | None = None


def _job_at(slot: int) -> int:
    return slot * _JOB_SLOT


def _result_at(slot: int) -> int:
    return _SLOTS * _JOB_SLOT + slot * _RESULT_SLOT


@dataclass
class _Worker:
    pid: int
    jobs_fd: int  # the main process writes jobs here
    results_fd: int  # and reads results here
    memory: mmap.mmap  # shared with it: _SLOTS job slots, then as many result slots
    free: list[int] = field(default_factory=lambda: list(range(_SLOTS)))  # slots not in use
    jobs: deque[Job] = field(default_factory=deque)  # given to it and not yet answered, oldest first
    outgoing: deque[memoryview] = field(default_factory=deque)  # bytes still to write to it
    incoming: bytearray | None = None  # a result being read from the pipe
    header: bytearray = field(default_factory=bytearray)  # or its header, while that is being read
    got: int = 0


class Workers:
    """Up to ``count`` forked processes that run ``work``; started by the first :meth:`submit`.

    Use as a context manager: leaving it ends the workers.
    """

    def __init__(self, work: Work, count: int) -> None:
        self.work = work
        self.count = count
        self._workers: list[_Worker] | None = None
        self._next = 0

    @property
    def started(self) -> bool:
        return self._workers is not None

    def map(
        self,
        items: Iterable[T],
        job_of: Callable[[T], bytes | None],
        *,
        ready: Callable[[], bool],
        start_after: int = BIG_INPUT,
    ) -> Iterator[tuple[T, bytes | None]]:
        """Each item in order, with what the work gave for its job, or with None: for an item that has no
        job (``job_of`` gives None), one given before the jobs reached ``start_after`` bytes, or one whose
        work gave None. The caller does those itself, in their place.

        Up to two jobs a worker are in work ahead of the item given back; when the input has nothing more
        ready (``ready()`` is false), all are given back before the next item is asked for, so a slow
        stream's output is not held back. An item without a job comes after those before it are given
        back, and so does an error raised by ``items``.
        """
        in_work: deque[tuple[T, Job]] = deque()
        seen = 0  # bytes of the jobs so far
        iterator = iter(items)

        def given_back() -> Iterator[tuple[T, bytes | None]]:
            while in_work:
                given, job = in_work.popleft()
                yield given, self.result(job)

        while True:
            try:
                item = next(iterator)
            except StopIteration:
                break
            except Exception:
                yield from given_back()
                raise
            data = job_of(item) if self.count else None
            seen += len(data) if data is not None else 0
            if data is None or seen < start_after:
                yield from given_back()
                yield item, None
                continue
            in_work.append((item, self.submit(data)))
            while in_work and (len(in_work) > 2 * self.count or not ready()):
                given, job = in_work.popleft()
                yield given, self.result(job)
        yield from given_back()

    def submit(self, data: bytes) -> Job:
        """Give ``data`` to the next worker; :meth:`result` waits for what it gives back."""
        job = Job(data)
        workers = self._start()
        if not workers:
            job.done, job.result = True, self.work(data)
            return job
        worker = workers[self._next % len(workers)]
        self._next += 1
        worker.jobs.append(job)
        if worker.free and len(data) <= _JOB_SLOT:
            job.slot = worker.free.pop()
            start = _job_at(job.slot)
            worker.memory[start : start + len(data)] = data
            worker.outgoing.append(memoryview(_HEADER.pack(job.slot, len(data))))
        else:
            worker.outgoing.extend((memoryview(_HEADER.pack(_INLINE, len(data))), memoryview(data)))
        self._pump(wait=False)
        return job

    def result(self, job: Job) -> bytes | None:
        """What the work gave for ``job``, once it is done; meanwhile jobs are written and results read."""
        while not job.done:
            self._pump(wait=True)
        return job.result

    def _start(self) -> list[_Worker]:
        if self._workers is None:
            self._workers = []
            # Ctrl-C waits until every worker forked is in the list that close() ends: one interrupted
            # between its fork and its place in the list would outlive relu-cli
            with _sigint_held():
                for _ in range(self.count if hasattr(os, "fork") else 0):  # no fork: all work done here
                    worker = self._fork()
                    if worker is None:
                        break
                    self._workers.append(worker)
        return self._workers

    def _fork(self) -> _Worker | None:
        memory = mmap.mmap(-1, _result_at(_SLOTS))  # anonymous and shared: the worker has it too
        jobs_read, jobs_write = os.pipe()
        results_read, results_write = os.pipe()
        for fd in (jobs_write, results_write):
            try:
                import fcntl

                fcntl.fcntl(fd, _F_SETPIPE_SZ, _PIPE_SIZE)
            except (ImportError, OSError):
                pass  # a smaller pipe only means more, smaller reads and writes
        try:
            with warnings.catch_warnings():
                # Python 3.12 warns about forking while a progress bar's thread runs; the worker never
                # touches what that thread may hold (it uses only its pipes, numpy and orjson)
                warnings.simplefilter("ignore", DeprecationWarning)
                pid = os.fork()
        except OSError:
            for fd in (jobs_read, jobs_write, results_read, results_write):
                os.close(fd)
            memory.close()
            return None
        if pid == 0:  # the worker
            os.close(jobs_write)
            os.close(results_read)
            for other in self._workers or []:
                os.close(other.jobs_fd)
                os.close(other.results_fd)
                other.memory.close()
            _serve(self.work, jobs_read, results_write, memory)
        os.close(jobs_read)
        os.close(results_write)
        os.set_blocking(jobs_write, False)
        os.set_blocking(results_read, False)
        return _Worker(pid, jobs_write, results_read, memory)

    def _pump(self, *, wait: bool) -> None:
        """Write what jobs can be written and read what results have come, waiting for either if ``wait``."""
        workers = self._workers or []
        writing = [worker.jobs_fd for worker in workers if worker.outgoing]
        reading = [worker.results_fd for worker in workers if worker.jobs]
        if not writing and not reading:
            return
        readable, writable, _ = select.select(reading, writing, [], None if wait else 0)
        for worker in list(workers):
            try:
                if worker.jobs_fd in writable:
                    self._write(worker)
                if worker.results_fd in readable:
                    self._read(worker)
            except OSError:
                self._lose(worker)

    def _write(self, worker: _Worker) -> None:
        while worker.outgoing:
            view = worker.outgoing[0]
            try:
                written = os.write(worker.jobs_fd, view)
            except BlockingIOError:
                return
            if written < len(view):
                worker.outgoing[0] = view[written:]
                return
            worker.outgoing.popleft()

    def _read(self, worker: _Worker) -> None:
        while worker.jobs:
            if worker.incoming is None:
                try:
                    more = os.read(worker.results_fd, _HEADER.size - len(worker.header))
                except BlockingIOError:
                    return
                if not more:
                    raise OSError("the worker ended")
                worker.header += more
                if len(worker.header) < _HEADER.size:
                    return
                where, length = _HEADER.unpack(worker.header)
                worker.header.clear()
                if where == _NONE:
                    self._answer(worker, None)
                    continue
                if where >= 0:
                    start = _result_at(where)
                    self._answer(worker, worker.memory[start : start + length])
                    continue
                worker.incoming, worker.got = bytearray(length), 0
            buffer = worker.incoming
            if worker.got < len(buffer):
                try:
                    got = os.readv(worker.results_fd, [memoryview(buffer)[worker.got :]])
                except BlockingIOError:
                    return
                if not got:
                    raise OSError("the worker ended")
                worker.got += got
            if worker.got == len(buffer):
                worker.incoming = None
                self._answer(worker, buffer)  # type: ignore[arg-type]  # bytes-like, spared a copy

    @staticmethod
    def _answer(worker: _Worker, result: bytes | None) -> None:
        job = worker.jobs.popleft()
        job.done, job.result = True, result
        if job.slot is not None:
            worker.free.append(job.slot)

    def _lose(self, worker: _Worker) -> None:
        """A worker that ended: its jobs are done here, and it gets no more."""
        assert self._workers is not None
        self._workers.remove(worker)
        self._end(worker)
        for job in worker.jobs:
            job.done, job.result = True, self.work(job.data)
        # jobs given to it later go to the others; while none is left, they are done here

    def _end(self, worker: _Worker) -> None:
        for fd in (worker.jobs_fd, worker.results_fd):
            os.close(fd)
        worker.memory.close()
        try:
            os.kill(worker.pid, signal.SIGKILL)
            os.waitpid(worker.pid, 0)
        except OSError:
            pass

    def close(self) -> None:
        for worker in self._workers or []:
            self._end(worker)
        self._workers = []

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


@contextmanager
def _sigint_held() -> Iterator[None]:
    """SIGINT held back (where the platform can), and delivered when the block ends."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def _serve(work: Work, jobs_fd: int, results_fd: int, memory: mmap.mmap) -> None:
    """A worker's life: take a job, do it, give back the result; until the main process is gone."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the main process's to handle
    if hasattr(signal, "pthread_sigmask"):  # held while the main process forked this one
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 0)  # so that the input and output are the main process's alone: a reader
    os.dup2(devnull, 1)  # downstream sees the end of output when that process ends
    status = 0
    try:
        while True:
            header = _read_exactly(jobs_fd, _HEADER.size)
            if header is None:
                break
            where, length = _HEADER.unpack(header)
            if where >= 0:
                data: bytes | bytearray | None = memory[_job_at(where) : _job_at(where) + length]
            else:
                data = _read_exactly(jobs_fd, length)
            if data is None:
                break
            try:
                result = work(data)  # type: ignore[arg-type]  # bytes-like, as the work reads it
            except Exception:
                result = None  # the main process does the job again, and reports any error
            if result is None:
                os.write(results_fd, _HEADER.pack(_NONE, 0))
            elif where >= 0 and len(result) <= _RESULT_SLOT:
                memory[_result_at(where) : _result_at(where) + len(result)] = result
                os.write(results_fd, _HEADER.pack(where, len(result)))
            else:
                _write_all(results_fd, _HEADER.pack(_INLINE, len(result)), result)
    except BaseException:  # a closed pipe or a signal: the main process has gone
        status = 1
    os._exit(status)


def _read_exactly(fd: int, size: int) -> bytearray | None:
    """``size`` bytes from ``fd``, or None at its end."""
    buffer = bytearray(size)
    view = memoryview(buffer)
    got = 0
    while got < size:
        count = os.readv(fd, [view[got:]])
        if not count:
            return None
        got += count
    return buffer


def _write_all(fd: int, *parts: bytes) -> None:
    for part in parts:
        view = memoryview(part)
        while view:
            view = view[os.write(fd, view) :]
