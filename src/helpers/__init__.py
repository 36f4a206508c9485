"""omsorgsanalys helpers: raw → validated → reconciled → charted → narrated → exported.

Modules, in the order data flows through them:

- ``paths``      where things live
- ``errors``     the one validation error type (Swedish messages)
- ``parse``      reading numbers and files as a controller has them
- ``metadata``   each municipality's ``metadata.toml``
- ``load``       raw files → one tidy, validated DataFrame
- ``build``      writes the validated data to ``data/processed/``
- ``economy``    the reconciliation model (deviations, sums, riktpunkt, forecast check)
- ``quality``    tolerance rule and the findings file ``kvalitet.csv``
- ``volumes``    hour and placement series, year-to-date comparisons and their checks
- ``fmt``        Swedish number formatting
- ``style``/``charts``  the house style and the charts
- ``narrative``  generated Swedish sentences
- ``tables``     presentation tables and exports (xlsx, csv, html)
- ``report``     the nämnd report HTML and the index
- ``runner``     batch execution of the notebooks (papermill, processes, Dask)
- ``cli``        the ``omsorg`` command
"""

__version__ = "0.1.0"
