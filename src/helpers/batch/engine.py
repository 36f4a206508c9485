"""One engine for both stages: `omsorg bygg` (a task per municipality) and `omsorg kör` (a task per
report) run their tasks inline, in a pool of processes, or on Dask (a local cluster or an address).

A task function never raises (it returns its own failure), so one failed municipality or report
never stops the others; ``done`` is called in the main process as each task finishes."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed

from distributed import Client, LocalCluster
from distributed import as_completed as dask_completed

from ..core.errors import OmsorgError

DASK_TIMEOUT = "5s"


def run_tasks(fn: Callable, items: Iterable, done: Callable, *, workers: int = 1, dask: str | None = None,
              initializer: Callable | None = None, finish_inline: Callable | None = None, **kwargs) -> None:
    """Call ``fn(item, **kwargs)`` for every item and ``done(result)`` for each result.

    ``workers`` processes (inline when 1 or a single item); ``dask`` 'lokal' or 'tcp://host:port'.
    ``finish_inline`` is called after an inline run (e.g. to stop a warm kernel)."""
    items = list(items)
    if not items:
        return
    if dask:
        _run_dask(fn, items, done, dask, workers, kwargs)
    elif workers == 1 or len(items) == 1:
        try:
            for item in items:
                done(fn(item, **kwargs))
        finally:
            if finish_inline is not None:
                finish_inline()
    else:
        with ProcessPoolExecutor(max_workers=min(workers, len(items)), initializer=initializer) as pool:
            futures = [pool.submit(fn, item, **kwargs) for item in items]
            for f in as_completed(futures):
                done(f.result())


def _run_dask(fn: Callable, items: list, done: Callable, address: str, workers: int, kwargs: dict) -> None:
    cluster = None
    try:
        if address == "lokal":
            cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)
            client = Client(cluster)
        else:
            client = Client(address, timeout=DASK_TIMEOUT)
    except (OSError, TimeoutError) as exc:
        raise OmsorgError(f"Kunde inte nå Dask-schemaläggaren på {address} inom 5 sekunder ({type(exc).__name__}). "
                          "Kontrollera adressen (t.ex. tcp://värd:8786) och att 'dask scheduler' körs.") from None
    try:
        futures = client.map(fn, items, pure=False, **kwargs)
        for f in dask_completed(futures):
            done(f.result())
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
