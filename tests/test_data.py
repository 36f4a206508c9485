"""Each municipality loads and validates, and figures worked out by hand from the seed text
(not printed there) equal what the loaded data gives."""
import pytest

from helpers.load import load_kommun
from helpers.metadata import list_kommuner, load_metadata
from helpers.paths import seeds_dir


def values(tidy, kommun, tabell, **where):
    df = tidy[(tidy["kommun"] == kommun) & (tidy["tabell"] == tabell)]
    for k, v in where.items():
        df = df[df[k] == v]
    return df


def test_four_municipalities_with_periods():
    got = {k: load_metadata(k).period for k in list_kommuner()}
    assert got == {"sodertalje": "2017-08", "lomma": "2017-08", "nacka": "2017-10", "botkyrka": "2017-08"}
    codes = {k: load_metadata(k).kommunkod for k in got}
    assert codes == {"sodertalje": "0181", "lomma": "1262", "nacka": "0182", "botkyrka": "0127"}


@pytest.mark.parametrize("kommun", ["sodertalje", "lomma", "nacka", "botkyrka"])
def test_each_municipality_loads_and_every_table_has_a_source(kommun):
    df = load_kommun(kommun)
    meta = load_metadata(kommun)
    assert len(df) > 50
    assert set(df["tabell"]) <= {t.id for t in meta.tabeller}
    for t in meta.tabeller:
        assert t.kalla and t.rubrik, t.id
        seed = seeds_dir() / t.kalla
        if seed.exists():
            first = t.rubrik.split("\t")[0].strip()
            assert first in seed.read_text(encoding="utf-8"), f"{t.id}: rubriken finns inte i {t.kalla}"


# Södertälje (000): sums of monthly hours the seed does not print.
def test_sodertalje_hand_sums(tidy):
    pa = values(tidy, "sodertalje", "pa_lss", matt="manadsvarde", radetikett="Utfall 2016")
    assert pa["varde"].sum() == 107506  # 9 233 + 8 658 + … + 8 515, full year 2016
    sfb = values(tidy, "sodertalje", "pa_sfb", matt="manadsvarde", radetikett="Utfall 2016")
    assert sfb["varde"].sum() == 194967
    ht14 = values(tidy, "sodertalje", "hemtjanst", matt="manadsvarde", radetikett="Utfall 2014")
    assert ht14["varde"].sum() == 54355
    ht17 = values(tidy, "sodertalje", "hemtjanst", matt="manadsvarde", radetikett="Utfall 2017")
    assert ht17["varde"].sum() == 21267  # published "Ack aug" says 21 268
    res = values(tidy, "sodertalje", "resultat_verksamhet", kolumn="Resultat perioden föregående år",
                 overordnad="Summa verksamhets- områden SoL", radtyp="post")
    assert res["varde"].sum() == 8676  # published Summa SoL says 8 673


def test_botkyrka_hand_sums(tidy):
    aldre = values(tidy, "botkyrka", "prognos_verksamhet", kolumn="Utfall jan-augusti 2017", overordnad="77 Äldreomsorg", radtyp="post")
    assert aldre["varde"].sum() == -380526  # 770–778; published Summa 77 is −380 567
    ov = values(tidy, "botkyrka", "oversikt", kolumn="Bokslut 2016")
    assert ov[ov["verksamhet"].isin(["Intäkter (+)", "Kostnader (-)"])]["varde"].sum() == -992986
    vob = values(tidy, "botkyrka", "nettokostnad_verksamhet", verksamhet="Vård- och omsorgsboende")
    assert vob[vob["kolumn"].isin(["Budget 2017 Kostnader", "Budget 2017 Intäkter"])]["varde"].sum() == -249360
    inv = values(tidy, "botkyrka", "investeringar_ettariga", kolumn="Bokslut 2016", radtyp="post")
    assert inv["varde"].sum() == -3910  # published Summa investeringar is −4 200
    ht = values(tidy, "botkyrka", "volymer_aldreomsorg", verksamhet="Hemtjänst", matt="arsvarde")
    v15 = ht[ht["ar"] == 2015]["varde"].iat[0]
    v16 = ht[(ht["ar"] == 2016)]["varde"].iat[0]
    assert round(100 * (v16 - v15) / v15, 2) == -8.62


def test_nacka_hand_sums(tidy):
    t = values(tidy, "nacka", "ekonomi_tabell", radtyp="post")
    assert t[t["kolumn"] == "Utfall intäkter"]["varde"].sum() == 46690
    assert t[t["kolumn"] == "Budget netto"]["varde"].sum() == -598296  # published Summa −595 990
    assert t[t["kolumn"] == "Prognos avvikelse"]["varde"].sum() == 13785
    pers = values(tidy, "nacka", "volymer_personlig_assistans", matt="manadsvarde")
    persons = pers[pers["enhet"] == "personer"]
    assert persons[persons["ar"] == 2017]["varde"].sum() == 472
    assert persons[persons["ar"] == 2016]["varde"].sum() == 393
    hours = pers[pers["enhet"] == "timmar/person"]
    assert round(hours[hours["ar"] == 2017]["varde"].mean(), 1) == 231.1


def test_lomma_hand_sums(tidy):
    t = values(tidy, "lomma", "avvikelser_text")
    period = t[t["kolumn"] == "Avvikelse perioden"]
    helar = t[t["kolumn"] == "Avvikelse helårsprognos"]
    assert period[period["overordnad"] == "LSS"]["varde"].sum() == 1563
    assert helar[helar["overordnad"] == "LSS"]["varde"].sum() == 500
    assert period[period["overordnad"] == "HVO"]["varde"].sum() == 6969
    assert period[period["overordnad"] == "IFO"]["varde"].sum() == 458  # Driftredovisning IFO says 457
    assert helar[helar["overordnad"] == "IFO"]["varde"].sum() == -6050
    drift = tidy[(tidy["kommun"] == "lomma") & tidy["tabell"].str.startswith("drift_") & (tidy["kolumn"] == "PROGNOS Avvikelse") & (tidy["radtyp"] == "post")]
    assert drift["varde"].sum() == 3450
