"""omsorgsanalys helpers: raw → validated → checked → reconciled → charted → narrated → exported.

Layers from the bottom up; each imports only from the layers listed before it (an import-linter
contract checks it):

- ``core``      vocabulary (months, units, measures), Period, the row hierarchy, signs, formats, errors
- ``ingest``    parsing, metadata models, readers (tables, SIE, month folders), schema, the processed store
- ``checks``    every recomputation of a published figure, evidence for the figure in use, findings by cause
- ``analysis``  the reconciled table, forecasts, volume series, volume and price
- ``present``   house style and charts, Swedish sentences, tables that render themselves
- ``render``    exports (xlsx, CSV, HTML pages), the notebook → HTML template, the index
- ``app``       the report context for one (kommun, period) and the exploration widgets
- ``batch``     build, the runner (warm kernels, processes, Dask) and the ``omsorg`` command
"""

__version__ = "0.2.0"
