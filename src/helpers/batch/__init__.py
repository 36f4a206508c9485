"""The doors: build data/processed, run the report notebooks in batches (warm kernels, processes or
Dask), and the ``omsorg`` command."""
