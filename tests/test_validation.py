"""Every bad-input case gives one Swedish error naming file, row, column, value and what was
expected, and nothing is written to data/processed/."""
import pytest

from helpers.build import build
from helpers.errors import DataValidationError, ParameterError
from helpers.metadata import load_metadata, parse_period, validate_parameters


def edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def build_fails(raw, tmp_path):
    out = tmp_path / "processed"
    with pytest.raises(DataValidationError) as exc:
        build(raw=raw, processed=out)
    assert not out.exists() or not any(out.iterdir()), "ingenting får skrivas vid fel"
    return str(exc.value)


def test_unparseable_number(raw_copy, tmp_path):
    edit(raw_copy / "nacka" / "ekonomi_tabell.csv", "-92 522", "-92 52x")
    msg = build_fails(raw_copy, tmp_path)
    assert "nacka/ekonomi_tabell.csv" in msg and "rad 3" in msg and "'Utfall kostnader'" in msg
    assert "'-92 52x'" in msg and "förväntade ett tal" in msg


def test_missing_required_column(raw_copy, tmp_path):
    edit(raw_copy / "lomma" / "drift_lss.csv", "verksamhet;", "namn;")
    msg = build_fails(raw_copy, tmp_path)
    assert "lomma/drift_lss.csv" in msg and "obligatorisk kolumn 'verksamhet' saknas" in msg


def test_duplicate_key(raw_copy, tmp_path):
    p = raw_copy / "nacka" / "ekonomi_tabell.csv"
    lines = p.read_text(encoding="utf-8").splitlines()
    p.write_text("\n".join(lines[:3] + [lines[2]] + lines[3:]) + "\n", encoding="utf-8")
    msg = build_fails(raw_copy, tmp_path)
    assert "rad 4" in msg and "dubblett" in msg and "rad 3" in msg


def test_parent_that_does_not_exist(raw_copy, tmp_path):
    edit(raw_copy / "botkyrka" / "ekonomi_prognos_verksamhet.csv", "770 Gemensam administration;77 Äldreomsorg", "770 Gemensam administration;77 Äldrevård")
    msg = build_fails(raw_copy, tmp_path)
    assert "kolumn 'overordnad'" in msg and "'77 Äldrevård'" in msg and "finns inte" in msg


def test_month_outside_1_12(raw_copy, tmp_path):
    folder = raw_copy / "nacka"
    (folder / "lang.csv").write_text("serie;slag;ar;enhet;manad;varde\nAntal personer;utfall;2017;personer;13;47\n", encoding="utf-8")
    edit(folder / "metadata.toml", "[[tabell]]", '[[tabell]]\nid = "lang"\nfil = "lang.csv"\ndataset = "volymer"\nkalla = "x"\nrubrik = "x"\n\n[[tabell]]')
    msg = build_fails(raw_copy, tmp_path)
    assert "nacka/lang.csv" in msg and "rad 2" in msg and "kolumn 'manad'" in msg and "'13'" in msg and "1–12" in msg


def test_negative_hours(raw_copy, tmp_path):
    edit(raw_copy / "sodertalje" / "volymer_personlig_assistans_lss.csv", "8 025", "-8 025")
    msg = build_fails(raw_copy, tmp_path)
    assert "volymer_personlig_assistans_lss.csv" in msg and "kolumn 'Jan'" in msg and "negativt" in msg


def test_period_not_yyyy_mm(raw_copy, tmp_path):
    edit(raw_copy / "lomma" / "metadata.toml", 'period = "2017-08"', 'period = "aug 2017"')
    msg = build_fails(raw_copy, tmp_path)
    assert "lomma/metadata.toml" in msg and "'aug 2017'" in msg and "ÅÅÅÅ-MM" in msg
    with pytest.raises(ParameterError, match="ÅÅÅÅ-MM"):
        parse_period("2017-13")


def test_unknown_municipality_and_path_like_names():
    with pytest.raises(ParameterError, match="Okänd kommun 'goteborg'"):
        load_metadata("goteborg")
    for bad in ("../etc", "Södertälje", "a/b", ""):
        with pytest.raises(ParameterError, match="Ogiltig kommun"):
            validate_parameters(bad, "2017-08")
    with pytest.raises(ParameterError, match="Perioden 2016-08 finns inte"):
        validate_parameters("lomma", "2016-08")


def test_metadata_names_missing_file(raw_copy, tmp_path):
    (raw_copy / "nacka" / "ekonomi_tabell.csv").unlink()
    msg = build_fails(raw_copy, tmp_path)
    assert "nacka/metadata.toml" in msg and "'ekonomi_tabell.csv'" in msg and "finns inte" in msg


def test_all_problems_listed_together(raw_copy, tmp_path):
    edit(raw_copy / "nacka" / "ekonomi_tabell.csv", "-92 522", "x")
    edit(raw_copy / "lomma" / "drift_lss.csv", "-31 299", "y")
    msg = build_fails(raw_copy, tmp_path)
    assert "nacka/ekonomi_tabell.csv" in msg and "lomma/drift_lss.csv" in msg
    assert msg.startswith("Indata innehåller 2 fel")
