"""The sie4 package beyond the record-by-record checks in test_sie4_reader.py: streaming (iter_records), the three
ways of handling vouchers, #RTRANS/#BTRANS counted once, problem summaries, the fast tokenizer against the exact
one, #KSUMMA status and the fiscal months."""
from __future__ import annotations

import math
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import sie4
from sie4 import tokens

FIXTURES = Path(__file__).parent / "fixtures"
HEAD = ["#FLAGGA 0", '#PROGRAM "Test" 1.0', "#FORMAT PC8", "#GEN 20250101", "#SIETYP 4", '#FNAMN "Åby"',
        "#RAR 0 20240101 20241231", '#KONTO 1910 "Kassa"', '#KONTO 7010 "Löner"', '#DIM 1 "KS"',
        '#OBJEKT 1 "510" "Norr"', '#OBJEKT 1 "520" "Syd"']


def make(tmp_path: Path, lines: list[str], name: str = "t.se") -> Path:
    path = tmp_path / name
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp437"))
    return path


def ver(date: str, *rows: str) -> list[str]:
    return [f"#VER A 1 {date}", "{", *rows, "}"]


def test_iter_records_streams_every_line(tmp_path):
    path = make(tmp_path, HEAD + ver("20240105", '#TRANS 7010 {1 "510"} 5.00', "#TRANS 1910 {} -5.00") + ["x y"])
    recs = list(sie4.iter_records(path))
    assert [r.label for r in recs[-6:]] == ["#VER", "{", "#TRANS", "#TRANS", "}", ""]
    trans = recs[-4]
    assert (trans.line, trans.fields) == (15, ["7010", tokens.ObjList(["1", "510"]), "5.00"])
    assert recs[-1].error == "raden är ingen SIE-post; förväntade en etikett som börjar med #"
    assert recs[5].fields == ["Åby"]


def test_three_ways_to_handle_vouchers_agree(tmp_path):
    lines = HEAD + ver("20240105", '#TRANS 7010 {1 "510"} 100.00', '#TRANS 7010 {1 "520"} 50.00',
                       "#TRANS 1910 {} -150.00") + ver("20240220", '#TRANS 7010 {1 "510"} 25.50',
                                                        "#TRANS 1910 {} -25.50")
    path = make(tmp_path, lines)
    kept = sie4.read(path)
    summed = sie4.read(path, transactions="aggregate")
    seen: list[sie4.SieVoucher] = []
    called = sie4.read(path, transactions=seen.append)
    assert len(kept.vouchers) == 2 and summed.vouchers == [] and called.vouchers == []
    assert seen == kept.vouchers
    assert summed.trans_totals == {
        ("7010", ((1, "510"),), "2024-01"): 100.0, ("7010", ((1, "520"),), "2024-01"): 50.0,
        ("1910", (), "2024-01"): -150.0, ("7010", ((1, "510"),), "2024-02"): 25.5, ("1910", (), "2024-02"): -25.5}
    assert (summed.voucher_count, summed.transaction_count) == (2, 5)
    with pytest.raises(ValueError, match="transactions"):
        sie4.read(path, transactions="alla")


def test_rtrans_and_btrans_count_once(tmp_path):
    # A row added afterwards (#RTRANS + its #TRANS copy) counts once; a removed row (#BTRANS) not at all.
    lines = HEAD + ver("20240105", '#TRANS 7010 {1 "510"} 100.00', '#BTRANS 7010 {1 "520"} 40.00',
                       '#RTRANS 7010 {1 "520"} 40.00', '#TRANS 7010 {1 "520"} 40.00', "#TRANS 1910 {} -140.00")
    f = sie4.read(make(tmp_path, lines), transactions="aggregate")
    assert f.errors == [] and f.transaction_count == 3
    assert f.trans_totals[("7010", ((1, "520"),), "2024-01")] == 40.0
    assert math.fsum(f.trans_totals.values()) == 0.0


def test_unbalanced_voucher_does_not_count(tmp_path):
    f = sie4.read(make(tmp_path, HEAD + ver("20240105", "#TRANS 7010 {} 100.00", "#TRANS 1910 {} -90.00")),
                  transactions="aggregate")
    (p,) = f.errors
    assert (p.kind, p.line, p.period, p.year) == ("obalanserad_verifikation", 13, "2024-01", 0)
    assert f.trans_totals == {} and f.voucher_count == 0


def test_transaction_text_without_closing_quote_is_repaired(tmp_path):
    lines = HEAD + ver("20240105", '#TRANS 7010 {} 100.00 20240105 "Lön jan', "#TRANS 1910 {} -100.00")
    f = sie4.read(make(tmp_path, lines))
    assert f.errors == []
    assert f.vouchers[0].transactions[0].text == "Lön jan"
    (w,) = f.warnings
    assert w.kind == "reparerad_rad" and w.line == 15 and "beloppet räknas" in w.message_sv


def test_summaries_one_line_per_kind(tmp_path):
    lines = HEAD + [f'#PSALDO 0 2024{m:02d} 7010 {{1 "9{m:02d}"}} 1.00' for m in range(1, 13)]
    f = sie4.read(make(tmp_path, lines))
    (s,) = sie4.summarise(f.problems)
    assert (s.kind, s.count, s.lines) == ("odeklarerat_objekt", 12, (13, 14, 15))
    assert s.message_sv == ("objekt '901' i dimension 1 är inte deklarerat med #OBJEKT "
                            "(12 rader av samma slag, t.ex. rad 13, 14 och 15)")
    assert str(s).startswith("#PSALDO: objekt '901'")


def test_problems_are_capped_per_kind_but_counted(tmp_path):
    lines = HEAD + [f"#PSALDO 0 202401 7010 {{}} {n},00" for n in range(250)]
    f = sie4.read(make(tmp_path, lines))
    assert len(f.problems) == sie4.reader.MAX_PER_KIND + 1
    (s,) = sie4.summarise(f.problems)
    assert s.count == 250 and s.kind == "felaktig_post"


def test_sietyp_4i_and_empty_orgnr(tmp_path):
    lines = [line if line != "#SIETYP 4" else "#SIETYP 4I" for line in HEAD] + ["#ORGNR", '#ORGNR ""']
    f = sie4.read(make(tmp_path, lines))
    assert f.sie_type == 4 and f.orgnr == "" and f.errors == []


def test_ksumma_status(tmp_path):
    body = HEAD[1:]
    assert sie4.read(make(tmp_path, HEAD)).ksumma == "saknas"
    bad = sie4.read(make(tmp_path, ["#FLAGGA 0", "#KSUMMA", *body, "#KSUMMA 1"]))
    assert bad.ksumma == "fel" and [p.kind for p in bad.warnings] == ["ksumma_fel"]
    assert sie4.read(FIXTURES / "sie_real" / "norstedts_bokslut_4e.se").ksumma == "ok"


def test_fiscal_months():
    f = sie4.SieFile(path="x", fiscal_years={0: ("20090701", "20100630")})
    assert f.fiscal_months(0) == [f"2009-{m:02d}" for m in range(7, 13)] + [f"2010-{m:02d}" for m in range(1, 7)]
    assert f.fiscal_months(-1) == []


def test_missing_file(tmp_path):
    with pytest.raises(sie4.SieReadError, match="filen finns inte"):
        sie4.read(tmp_path / "nej.se")
    with pytest.raises(sie4.SieReadError, match="mapp"):
        sie4.read(tmp_path)


# The fast tokenizer must split every line exactly as the character-by-character reader of the standard does.
_FIELD_CHARS = st.sampled_from(list('ab1 9"\\{}\t-.åÄ'))


@given(st.lists(_FIELD_CHARS, max_size=40).map("".join))
def test_fast_tokenizer_equals_the_exact_one(text):
    try:
        expected = tokens._slow(text)
    except tokens.LineError as exc:
        with pytest.raises(tokens.LineError) as info:
            tokens.tokenize(text)
        assert str(info.value) == str(exc)
        return
    assert tokens.tokenize(text) == expected
    assert [type(t) for t in tokens.tokenize(text)] == [type(t) for t in expected]


# The #TRANS fast path (one regular expression) must read every line exactly as the general path does. A file that
# opens with #KSUMMA is read by the general path only (the checksum needs every field), so the two can be compared.
_OBJ = st.text(alphabet=list('aab11 "\\{}'), max_size=4)
_TEXT_CHARS = st.text(alphabet=list('aabbå {}"\\\t'), max_size=6)


@settings(max_examples=300, deadline=None)
@given(account=st.sampled_from(["7010", "7010", "7010", "FEL", "70 10"]),
       objects=st.lists(st.tuples(st.sampled_from(["1", "1", "6", "x"]), _OBJ), max_size=2),
       amount=st.sampled_from(["100.00", "-5", "100.00", "1,5", "7."]),
       date=st.sampled_from([None, "20240105", "20240105", '""', "20241332"]),
       text=st.one_of(st.none(), _TEXT_CHARS),
       quantity=st.sampled_from([None, "2", "2", "x"]))
@example(account="7010", objects=[("1", "a b"), ("6", "1")], amount="100.00", date="20240105", text="åb {a}",
         quantity="2")
def test_fast_and_general_trans_paths_agree(tmp_path_factory, account, objects, amount, date, text, quantity):
    inner = " ".join(f'{d} "{o}"' for d, o in objects)
    line = f"#TRANS {account} {{{inner}}} {amount}"
    if date is not None:
        line += f" {date}"
        if text is not None:
            line += f' "{text}"'
            if quantity is not None:
                line += f" {quantity}"
    balance = {"100.00": ["#TRANS 1910 {} -100.00"], "-5": ["#TRANS 1910 {} 5"]}.get(amount, [])
    body = HEAD[1:] + ["#VER A 1 20240105", "{", line, *balance, "}"]
    tmp = tmp_path_factory.mktemp("fast")
    fast = sie4.read(make(tmp, ["#FLAGGA 0", *body], "fast.se"))
    general = sie4.read(make(tmp, ["#FLAGGA 0", "#KSUMMA", *body], "general.se"))
    rows = [t for v in fast.vouchers for t in v.transactions]
    assert rows == [t for v in general.vouchers for t in v.transactions]
    kinds = {(p.kind, p.line) for p in fast.problems}
    assert kinds == {(p.kind, p.line + (-1 if p.line else 0)) if p.line else (p.kind, None)
                     for p in general.problems if not p.kind.startswith("ksumma")}
