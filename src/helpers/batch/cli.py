"""The `omsorg` command: lista, kontrollera, bygg, kör (kor), mall.

Every error reaches the user as a Swedish message with what to do; no traceback (set OMSORG_DEBUG=1
to see one)."""
from __future__ import annotations

import argparse
import contextlib
import os
import re
import sys
import traceback

from ..core.errors import DataValidationError, OmsorgError, ParameterError, disk_error
from ..ingest.kolada import fetch_and_store, fetch_summary
from ..ingest.load import load_all, load_kommun
from ..ingest.metadata import list_kommuner, load_metadata, validate_kommun_id
from .build import build
from .runner import MAX_WORKERS, run_batch, validate_workers
from .template import write_template


def _lista(args) -> int:
    kommuner = list_kommuner()
    if not kommuner:
        print("Det finns inga kommuner i data/raw.")
        return 0
    print(f"{'kommun':<12} {'period':<8} {'kod':<5} {'rapport':<18} namn (nämnd)")
    for k in kommuner:
        meta = load_metadata(k)
        for p in sorted(meta.periods(), reverse=True):
            print(f"{k:<12} {str(p):<8} {meta.kommunkod:<5} {meta.rapporttyp[:18]:<18} {meta.namn} "
                  f"({', '.join(meta.namnder)})")
    return 0


def _warnings(loaded) -> None:
    for w in loaded.warnings:
        print(f"  varning: {w}")


def _kontrollera(args) -> int:
    if args.kommun:
        validate_kommun_id(args.kommun)
        loaded = load_kommun(args.kommun)
    else:
        loaded = load_all(isolate=True)
    for k, n in loaded.tidy.groupby("kommun").size().items():
        periods = ", ".join(map(str, loaded.metas[k].periods()))
        print(f"{k}: rådata godkänd ({n} värden; perioder {periods}).")
    _warnings(loaded)
    if loaded.failed:
        print(f"\nInte godkända ({len(loaded.failed)}):", file=sys.stderr)
        for k, problems in sorted(loaded.failed.items()):
            text = str(DataValidationError(problems))
            print(f"  - {k}:\n" + "\n".join(f"      {line}" for line in text.splitlines()), file=sys.stderr)
        return EXIT_PARTIAL
    return 0


# `omsorg bygg` published, but left one or more municipalities out (their input is invalid).
EXIT_PARTIAL = 3


def _bygg(args) -> int:
    workers = validate_workers(args.arbetare) if args.arbetare is not None else min(os.cpu_count() or 1, MAX_WORKERS)
    r = build(workers=workers, dask=args.dask)
    c = r.checks["bedomning"].value_counts()
    built = [k.kommun for k in r.kommuner if k.ok]
    print(f"Validerad data publicerad i {r.version} ({len(built)} {'kommun' if len(built) == 1 else 'kommuner'}: "
          f"{', '.join(built)}).")
    print(f"Kvalitetskontroller: {len(r.checks)} kontroller (ok {c.get('ok', 0)}, avrundning {c.get('avrundning', 0)}, "
          f"fel {c.get('fel', 0)}, kan inte kontrolleras {c.get('ej_kontrollerbar', 0)}, varning {c.get('varning', 0)}) "
          f"och {len(r.causes)} fynd (en rad per orsak) i data/processed/kvalitet.csv.")
    _warnings(r)
    if r.left_out:
        print(f"\nUtelämnade ur bygget ({len(r.left_out)}): deras rapporter kan inte köras förrän felen är rättade; "
              "de andra kommunerna är publicerade.", file=sys.stderr)
        for k in r.left_out:
            reason = str(DataValidationError(k.problems)) if k.problems else k.error
            print(f"  - {k.kommun}:\n" + "\n".join(f"      {line}" for line in reason.splitlines()), file=sys.stderr)
        return EXIT_PARTIAL
    return 0


def _kor(args) -> int:
    return run_batch(kommun=args.kommun, period=args.period, alla=args.alla, workers=args.arbetare, dask=args.dask)


def _mall(args) -> int:
    path = write_template(args.kommun, args.period, args.fil, overwrite=args.skriv_over)
    print(f"Mallen är skriven till {path}. Fyll i den och lägg den som data/raw/{args.kommun}/{args.period}/mall.xlsx.")
    return 0


def _kolada_hamta(args) -> int:
    meta = load_metadata(validate_kommun_id(args.kommun))
    years = None
    if args.ar:
        bad = [y for y in args.ar if not (y.isdigit() and 1990 <= int(y) <= 2100)]
        if bad:
            raise ParameterError(f"Ogiltigt år '{bad[0]}' för --år: ange år som ÅÅÅÅ, t.ex. --år 2021 2022 2023.")
        years = [int(y) for y in args.ar]
    print(fetch_summary(fetch_and_store(meta, years)))
    return 0


# argparse's English messages (Python 3.11) and their Swedish forms, applied in order.
_ARGPARSE_SV = [
    (re.compile(r"the following arguments are required: "), "följande argument saknas: "),
    (re.compile(r"unrecognized arguments: "), "okända argument: "),
    (re.compile(r"invalid choice: (.*) \(choose from (.*)\)"), r"ogiltigt val: \1 (välj bland \2)"),
    (re.compile(r"expected at least one argument"), "behöver minst ett värde"),
    (re.compile(r"expected one argument"), "behöver ett värde"),
    (re.compile(r"expected at most one argument"), "tar högst ett värde"),
    (re.compile(r"ignored explicit argument (.*)"), r"tar inget värde (fick \1)"),
    (re.compile(r"not allowed with argument"), "kan inte kombineras med"),
    (re.compile(r"ambiguous option: (\S+) could match (.*)"), r"tvetydig flagga: \1 kan betyda \2"),
    (re.compile(r"invalid (\w+) value: "), r"ogiltigt värde (\1): "),
]


class _Formatter(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        return super().add_usage(usage, actions, groups, "användning: " if prefix is None else prefix)


class _Parser(argparse.ArgumentParser):
    """argparse with Swedish help, Swedish error messages and exit code 2."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", _Formatter)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self._positionals.title = "kommandon"
        self._optionals.title = "flaggor"
        self.add_argument("-h", "--hjälp", "--help", action="help", default=argparse.SUPPRESS,
                          help="visa den här hjälpen och avsluta")

    def error(self, message: str):
        for pattern, swedish in _ARGPARSE_SV:
            message = pattern.sub(swedish, message)
        self.print_usage(sys.stderr)
        print(f"{self.prog}: {message}. Se '{self.prog} --hjälp'.", file=sys.stderr)
        raise SystemExit(2)


def parser() -> argparse.ArgumentParser:
    p = _Parser(prog="omsorg", description="Omsorgsanalys: budgetuppföljning för kommunal omsorg.")
    sub = p.add_subparsers(dest="kommando", metavar="KOMMANDO", parser_class=_Parser)
    s = sub.add_parser("lista", help="lista kommuner och alla deras perioder")
    s.set_defaults(func=_lista)
    s = sub.add_parser("kontrollera", help="kontrollera rådata (avslutar med felkod vid fel)")
    s.add_argument("--kommun", help="bara den här kommunen, t.ex. sodertalje")
    s.set_defaults(func=_kontrollera)
    s = sub.add_parser("bygg", help="validera, kontrollera och publicera data/processed/")
    s.add_argument("--arbetare", default=None, help=f"antal parallella processer, 1–{MAX_WORKERS} (standard: antal kärnor)")
    s.add_argument("--dask", help="adress till en Dask-schemaläggare (tcp://värd:8786), eller 'lokal'")
    s.set_defaults(func=_bygg)
    for name in ("kör", "kor"):
        s = sub.add_parser(name, help="kör rapporterna per kommun och period" + (" (alias: kor)" if name == "kör" else ""))
        s.add_argument("--kommun", nargs="+", help="ett eller flera kommun-id, t.ex. sodertalje lomma")
        s.add_argument("--period", help="period ÅÅÅÅ-MM, t.ex. 2017-08 (utan: kommunens alla perioder)")
        s.add_argument("--alla", action="store_true", help="alla kommuner och perioder")
        s.add_argument("--arbetare", default=None, help=f"antal parallella processer, 1–{MAX_WORKERS} (standard: antal kärnor)")
        s.add_argument("--dask", help="adress till en Dask-schemaläggare (tcp://värd:8786), eller 'lokal'")
        s.set_defaults(func=_kor)
    s = sub.add_parser("mall", help="skriv en Excelmall för en månads ekonomi, prognos och volymer")
    s.add_argument("--kommun", required=True, help="kommun-id, t.ex. exempel")
    s.add_argument("--period", required=True, help="period ÅÅÅÅ-MM")
    s.add_argument("--fil", help="var mallen ska sparas (standard: reports/mallar/<kommun>_<period>.xlsx; "
                   "aldrig i data/raw)")
    s.add_argument("--skriv-over", action="store_true", help="ersätt en befintlig fil med samma namn")
    s.set_defaults(func=_mall)
    s = sub.add_parser("kolada", help="jämförelse med liknande kommuner ur Kolada")
    ksub = s.add_subparsers(dest="kolada_kommando", metavar="KOMMANDO", parser_class=_Parser)
    for name in ("hämta", "hamta"):
        k = ksub.add_parser(name, help="hämta och spara Koladas värden för kommunen, dess liknande kommuner och riket"
                            + (" (alias: hamta)" if name == "hämta" else ""))
        k.add_argument("--kommun", required=True, help="kommun-id, t.ex. lomma")
        k.add_argument("--år", "--ar", dest="ar", nargs="+", metavar="ÅR", help="år att hämta (standard: de fem senaste)")
        k.set_defaults(func=_kolada_hamta)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if not getattr(args, "func", None):
        parser().print_help(sys.stderr)
        return 2
    try:
        if getattr(args, "arbetare", None) is not None:
            validate_workers(args.arbetare)
        return args.func(args)
    except (DataValidationError, ParameterError, OmsorgError) as exc:
        print(str(exc), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("Avbrutet. Det som redan var publicerat är orört.", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the output went to e.g. `head`, which stopped reading: not an error
        with contextlib.suppress(OSError):
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 – stays open until the process ends
        return 0
    except OSError as exc:
        print(str(disk_error(exc, exc.filename or "en fil")), file=sys.stderr)
        return 1
    except Exception as exc:  # the last line of defence: never a traceback at a user
        if os.environ.get("OMSORG_DEBUG"):
            traceback.print_exc()
        print(f"Oväntat fel ({type(exc).__name__}: {exc}). Inget har publicerats. Kör med OMSORG_DEBUG=1 för "
              "detaljer och rapportera felet.", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
