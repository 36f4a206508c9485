"""The `omsorg` command: lista, kontrollera, bygg, kör."""
from __future__ import annotations

import argparse
import os
import sys

from .errors import DataValidationError, ParameterError


def _lista(args) -> int:
    from .metadata import available_periods, list_kommuner, load_metadata

    print(f"{'kommun':<12} {'period':<8} {'kod':<5} namn")
    for k in list_kommuner():
        meta = load_metadata(k)
        for p in available_periods(meta):
            print(f"{k:<12} {p:<8} {meta.kommunkod:<5} {meta.namn} ({', '.join(meta.namnder)})")
    return 0


def _kontrollera(args) -> int:
    from .load import load_all, load_kommun
    from .metadata import validate_kommun_id

    if args.kommun:
        validate_kommun_id(args.kommun)
        df = load_kommun(args.kommun)
        print(f"{args.kommun}: rådata godkänd ({len(df)} värden).")
    else:
        df, _ = load_all()
        for k, n in df.groupby("kommun").size().items():
            print(f"{k}: rådata godkänd ({n} värden).")
    return 0


def _bygg(args) -> int:
    from .build import build

    out = build()
    import pandas as pd

    k = pd.read_csv(out["kvalitet"], sep=";")
    counts = k["bedomning"].value_counts()
    print(f"Validerad data skriven till {out['data']} och {out['struktur']}.")
    print(f"Kvalitetskontroller: {len(k)} rader i {out['kvalitet']} "
          f"(ok {counts.get('ok', 0)}, avrundning {counts.get('avrundning', 0)}, "
          f"fel {counts.get('fel', 0)}, varning {counts.get('varning', 0)}).")
    return 0


def _kor(args) -> int:
    from .runner import run_batch

    return run_batch(
        kommun=args.kommun, period=args.period, alla=args.alla, notebooks=args.notebooks,
        workers=args.arbetare, dask=args.dask,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="omsorg", description="Omsorgsanalys: budgetuppföljning för kommunal omsorg.",
    )
    parser._positionals.title = "kommandon"
    parser._optionals.title = "flaggor"
    sub = parser.add_subparsers(dest="kommando", metavar="KOMMANDO")
    p = sub.add_parser("lista", help="lista kommuner och deras perioder")
    p.set_defaults(func=_lista)
    p = sub.add_parser("kontrollera", help="kontrollera rådata (avslutar med felkod vid fel)")
    p.add_argument("--kommun", help="bara den här kommunen, t.ex. sodertalje")
    p.set_defaults(func=_kontrollera)
    p = sub.add_parser("bygg", help="validera och skriv data/processed/ (Parquet och kvalitet.csv)")
    p.set_defaults(func=_bygg)
    for name in ("kör", "kor"):
        p = sub.add_parser(name, help="kör notebookarna per kommun och period (alias: kor)" if name == "kör" else "samma som kör")
        p.add_argument("--kommun", nargs="+", help="ett eller flera kommun-id, t.ex. sodertalje lomma")
        p.add_argument("--period", help="period ÅÅÅÅ-MM, t.ex. 2017-08 (utan: kommunens alla perioder)")
        p.add_argument("--alla", action="store_true", help="alla kommuner och perioder i datan")
        p.add_argument("--notebooks", nargs="+", help="vilka notebookar (t.ex. 01 02), standard: alla")
        p.add_argument("--arbetare", type=int, default=os.cpu_count() or 1, help="antal parallella processer (standard: antal kärnor)")
        p.add_argument("--dask", help="adress till en Dask-schemaläggare, eller 'lokal' för ett LocalCluster")
        p.set_defaults(func=_kor)
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return args.func(args)
    except (DataValidationError, ParameterError) as exc:
        print(str(exc), file=sys.stderr)
        return 1
    except FileNotFoundError as exc:
        print(f"Fel: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
