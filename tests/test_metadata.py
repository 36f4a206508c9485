"""metadata.toml is checked as typed models: every problem at once, in Swedish, naming the file, the
key and what was expected; units, cost signs and percent columns are never guessed."""
import pytest

from helpers.core.errors import DataValidationError, ParameterError
from helpers.ingest.load import load_all, load_kommun
from helpers.ingest.metadata import list_kommuner, load_metadata


def edit(raw, kommun, old, new, fil="metadata.toml"):
    p = raw / kommun / fil
    text = p.read_text(encoding="utf-8")
    assert old in text, old
    p.write_text(text.replace(old, new, 1), encoding="utf-8")


def problems(raw, kommun) -> str:
    with pytest.raises(DataValidationError) as exc:
        load_kommun(kommun, raw)
    return str(exc.value)


def test_the_four_published_municipalities():
    got = {k: load_metadata(k).period for k in ("sodertalje", "lomma", "nacka", "botkyrka")}
    assert got == {"sodertalje": "2017-08", "lomma": "2017-08", "nacka": "2017-10", "botkyrka": "2017-08"}
    codes = {k: load_metadata(k).kommunkod for k in got}
    assert codes == {"sodertalje": "0181", "lomma": "1262", "nacka": "0182", "botkyrka": "0127"}
    assert set(got) <= set(list_kommuner())


def test_namnder_as_a_string_is_refused(raw_copy):
    edit(raw_copy, "nacka", 'namnder = ["Socialnämnden"]', 'namnder = "Socialnämnden"')
    msg = problems(raw_copy, "nacka")
    assert "nacka/metadata.toml" in msg and "kolumn 'namnder'" in msg and "förväntade en lista" in msg


def test_wrong_types_and_missing_keys_all_reported(raw_copy):
    edit(raw_copy, "nacka", 'fil = "ekonomi_tabell.csv"', "fil = 5")
    edit(raw_copy, "nacka", 'kostnadstecken = "minus"\n', "")
    msg = problems(raw_copy, "nacka")
    assert "tabell nr 1 ('ekonomi_tabell'): förväntade text inom citattecken" in msg
    assert "nyckeln 'kostnadstecken' saknas" in msg
    assert msg.startswith("Indata innehåller 2 fel")


def test_tabell_must_be_a_list_of_tables(raw_copy):
    p = raw_copy / "nacka" / "metadata.toml"
    p.write_text(p.read_text(encoding="utf-8").split("[[tabell]]")[0] + 'tabell = "x"\n', encoding="utf-8")
    assert "kolumn 'tabell'" in problems(raw_copy, "nacka")


@pytest.mark.parametrize("unit,fragment", [("Mkr", "skriv enheten som 'mkr'"), ("mnkr", "skriv 'mkr'"),
                                           ("%", "skriv 'procent'"), ("kronor per år", "okänd enhet")])
def test_units_come_from_a_closed_vocabulary(raw_copy, unit, fragment):
    edit(raw_copy, "nacka", 'enhet = "tkr"', f'enhet = "{unit}"')
    assert fragment in problems(raw_copy, "nacka")


def test_metadata_saved_as_cp1252(raw_copy):
    p = raw_copy / "lomma" / "metadata.toml"
    p.write_bytes(p.read_text(encoding="utf-8").encode("cp1252"))
    assert "inte sparad som UTF-8" in problems(raw_copy, "lomma")


def test_a_period_that_has_not_happened(raw_copy):
    edit(raw_copy, "nacka", 'period = "2017-10"', 'period = "2099-10"')
    assert "ligger efter innevarande månad" in problems(raw_copy, "nacka")


def test_percent_column_described_as_money_is_refused(raw_copy):
    p = raw_copy / "nacka" / "ekonomi_tabell.csv"
    lines = p.read_text(encoding="utf-8").splitlines()
    lines[0] += ";Utfall i % av budget"
    lines[1:] = [line + ";50 %" for line in lines[1:]]
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    edit(raw_copy, "nacka", '"Prognos avvikelse" = { matt = "avvikelse", omfattning = "helar", ar = 2017 }',
         '"Prognos avvikelse" = { matt = "avvikelse", omfattning = "helar", ar = 2017 }\n'
         '"Utfall i % av budget" = { matt = "netto", slag = "utfall", omfattning = "period", ar = 2017 }')
    msg = problems(raw_copy, "nacka")
    assert "kolumn 'Utfall i % av budget'" in msg and 'matt = "andel"' in msg and "summeras aldrig" in msg


def test_percent_without_numerator_and_denominator_is_refused(raw_copy):
    p = raw_copy / "botkyrka" / "ekonomi_oversikt.csv"
    lines = p.read_text(encoding="utf-8").splitlines()
    lines[0] += ";Andel %"
    lines[1:] = [line + ";1 %" for line in lines[1:]]
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    edit(raw_copy, "botkyrka", '"Avvikelse 2017" = { matt = "avvikelse", omfattning = "helar", ar = 2017 }',
         '"Avvikelse 2017" = { matt = "avvikelse", omfattning = "helar", ar = 2017 }\n"Andel %" = { matt = "andel" }')
    msg = problems(raw_copy, "botkyrka")
    assert "andelen kan inte kontrolleras" in msg and "taljare" in msg


def test_relation_naming_an_unknown_column(raw_copy):
    edit(raw_copy, "nacka", "[[tabell]]\nid = \"investeringstabell\"",
         "[[tabell.relation]]\nkolumn = \"Utfall netto\"\nplus = [\"Utfall intäkter\", \"Utfal kostnader\"]\n\n"
         "[[tabell]]\nid = \"investeringstabell\"")
    assert "relation nr 1 ('Utfall netto'): kolumnen ska beskrivas" in problems(raw_copy, "nacka")


def test_parent_cycle_is_an_error(raw_copy):
    p = raw_copy / "botkyrka" / "ekonomi_prognos_verksamhet.csv"
    text = p.read_text(encoding="utf-8")
    text = text.replace("77 Äldreomsorg;;rubrik;;;;;", "77 Äldreomsorg;770 Gemensam administration;rubrik;;;;;")
    p.write_text(text, encoding="utf-8")
    msg = problems(raw_copy, "botkyrka")
    assert "i en cirkel" in msg and "77 Äldreomsorg" in msg


def test_unlisted_file_and_one_file_under_two_ids_are_warned_about(raw_copy):
    (raw_copy / "nacka" / "extra.csv").write_text("verksamhet;x\na;1\n", encoding="utf-8")
    text = (raw_copy / "nacka" / "metadata.toml").read_text(encoding="utf-8")
    block = text[text.index("[[tabell]]\nid = \"investeringstabell\""):text.index("[[tabell]]\nid = \"volymer")]
    text += "\n" + block.replace('id = "investeringstabell"', 'id = "investeringar_igen"')
    (raw_copy / "nacka" / "metadata.toml").write_text(text, encoding="utf-8")
    loaded = load_kommun("nacka", raw_copy)
    warnings = [str(w) for w in loaded.warnings]
    assert any("extra.csv" in w and "ingen [[tabell]]" in w for w in warnings), warnings
    assert any("investeringstabell.csv" in w and "två tabell-id" in w for w in warnings), warnings


def test_unknown_and_path_like_municipalities():
    with pytest.raises(ParameterError, match="Okänd kommun 'stockholm'"):
        load_metadata("stockholm")
    for bad in ("../etc", "Nacka", "a b", "", 5):
        with pytest.raises(ParameterError, match="Ogiltig kommun"):
            load_metadata(bad)


def test_every_problem_of_every_municipality_together(raw_copy):
    edit(raw_copy, "nacka", ";-190;-190;", ";-190;-19O;", fil="ekonomi_tabell.csv")
    edit(raw_copy, "lomma", 'enhet = "tkr"', 'enhet = "Tkr"')
    with pytest.raises(DataValidationError) as exc:
        load_all(raw_copy)
    msg = str(exc.value)
    assert "nacka/ekonomi_tabell.csv, rad 2, kolumn 'Utfall netto': värdet '-19O'" in msg
    assert "lomma/metadata.toml" in msg and "'tkr'" in msg
