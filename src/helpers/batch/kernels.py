"""Warm kernels: one Jupyter kernel per worker process, started once with the imports done, reset
between reports and recycled every ``RECYCLE_AFTER`` reports.

papermill executes each report through the engine ``varm`` registered here, which hands nbclient the
worker's running kernel instead of starting a new one. The kernel talks over IPC (no TCP warning),
its stdout/stderr go nowhere (no kernel chatter at users), and it exits when its worker dies
(ipykernel's parent poller)."""
from __future__ import annotations

import atexit
import contextlib
import ctypes
import multiprocessing.util
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading

from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager
from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import Engine, papermill_engines

from ..core import paths

RECYCLE_AFTER = 40
WARMUP = (
    "import pandas, numpy, matplotlib\n"
    "matplotlib.use('Agg')\n"
    "import helpers.app.report, helpers.present.charts, helpers.render.exports\n"
)
RESET = "get_ipython().run_line_magic('reset', '-f')\n"
# A batch kernel keeps no history database and no output cache (Out, _1, …): nothing of one report is
# kept for the next, and %reset has no cache to flush (which would force a full garbage collection).
BATCH_KERNEL_OPTIONS = ["--HistoryManager.enabled=False", "--InteractiveShell.cache_size=0"]
ENGINE = "varm"


def kernel_name() -> str:
    specs = KernelSpecManager().find_kernel_specs()
    return "omsorgsanalys" if "omsorgsanalys" in specs else "python3"


def die_with_parent() -> None:
    """Ask Linux to end this process when its parent ends (a pool worker after `omsorg kör` is killed)."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(Exception):
            ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


class WarmKernel:
    """The worker's kernel: started on first use, reset before each report, recycled now and then."""

    def __init__(self, name: str | None = None, recycle_after: int = RECYCLE_AFTER):
        self.name = name or kernel_name()
        self.recycle_after = recycle_after
        self.km: KernelManager | None = None
        self.kc = None  # one connected client for the kernel's life
        self.used = 0
        self.dirty = False
        self._dir = tempfile.mkdtemp(prefix="omsorg-kernel-")  # connection files and IPC sockets
        # Whoever ends normally leaves nothing behind: a plain process runs atexit, a multiprocessing pool
        # worker only its finalizers.
        atexit.register(self.close)
        multiprocessing.util.Finalize(None, self.close, exitpriority=10)

    def _start(self) -> None:
        self.shutdown()
        km = KernelManager(kernel_name=self.name, transport="ipc",
                           connection_file=os.path.join(self._dir, f"kernel-{os.getpid()}-{self.used}.json"))
        km.ip = os.path.join(self._dir, f"ipc-{os.getpid()}-{self.used}")
        km.start_kernel(cwd=str(paths.notebooks_dir()), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                        env={**os.environ, "PYTHONWARNINGS": "ignore", "MPLBACKEND": "Agg"},
                        extra_arguments=BATCH_KERNEL_OPTIONS)
        self.km = km
        self.kc = km.client()
        self.kc.start_channels()
        self.kc.wait_for_ready(timeout=60)
        self.used = 0
        self.dirty = False
        self.run(WARMUP)

    def run(self, code: str) -> None:
        reply = self.kc.execute_interactive(code, timeout=120, output_hook=lambda msg: None)
        if reply["content"].get("status") != "ok":
            raise RuntimeError(f"{reply['content'].get('ename')}: {reply['content'].get('evalue')}")

    def acquire(self) -> KernelManager:
        """A running kernel with an empty namespace (modules stay imported; the previous report's
        variables were cleared when it finished, see WarmEngine)."""
        if self.km is None or not self.km.is_alive() or self.used >= self.recycle_after or self.dirty:
            self._start()
        self.used += 1
        self.dirty = True
        return self.km

    def cleaned(self) -> None:
        """The namespace was reset after a report."""
        self.dirty = False

    def shutdown(self) -> None:
        if self.kc is not None:
            with contextlib.suppress(Exception):
                self.kc.stop_channels()
            self.kc = None
        if self.km is not None:
            with contextlib.suppress(Exception):
                self.km.shutdown_kernel(now=True)
            self.km = None

    def close(self) -> None:
        """Stop the kernel and remove its folder of connection files."""
        self.shutdown()
        shutil.rmtree(self._dir, ignore_errors=True)


# One warm kernel per thread: two runs in one process (two threads) never share, or stop, each other's kernel.
_local = threading.local()


def current() -> WarmKernel:
    kernel = getattr(_local, "kernel", None)
    if kernel is None:
        kernel = _local.kernel = WarmKernel()
    return kernel


def shutdown_current() -> None:
    kernel = getattr(_local, "kernel", None)
    if kernel is not None:
        _local.kernel = None
        kernel.close()


class WarmEngine(Engine):
    """A papermill engine that executes on the worker's warm kernel.

    The executed notebook is written once, when it is done (papermill writes it after every cell
    otherwise), and the kernel's namespace is reset over the same connection when the report is done."""

    @classmethod
    def execute_notebook(cls, nb, kernel_name, output_path=None, progress_bar=True, log_output=False,
                         autosave_cell_every=30, **kwargs):
        return super().execute_notebook(nb, kernel_name, output_path=None, progress_bar=False, log_output=False,
                                        autosave_cell_every=0, **kwargs)

    @classmethod
    def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False, stdout_file=None, stderr_file=None,
                                 start_timeout=60, execution_timeout=None, **kwargs):
        warm = current()
        km = warm.acquire()
        client = PapermillNotebookClient(nb_man, km=km, kernel_name=kernel_name, timeout=execution_timeout,
                                         startup_timeout=start_timeout, log_output=False)
        client.kc = warm.kc  # the worker's connected client: no new connection per report
        try:
            return client.execute()
        finally:
            # Queued, not awaited: the kernel clears the namespace while this process exports the HTML;
            # the next report's cells run after it (one shell queue), and replies to it are ignored.
            with contextlib.suppress(Exception):
                warm.kc.execute(RESET, silent=True, store_history=False)
                warm.cleaned()


papermill_engines.register(ENGINE, WarmEngine)
