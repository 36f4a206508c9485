"""Explanations only where true (issue 17.1): a volume/price split needs a volume that covers exactly the
cost it is set against. Södertälje's links do not (personal assistance is LSS and SFB, the hours only LSS;
Ordinärt boende is home help and personligt utformat stöd, the hours only home help), Botkyrka's SFB 51
key figure is a gross cost per hour, and 'Varav egen LSS' is part of a row that is split itself."""
from helpers.present import summary
from helpers.present.narrative import explanation


def _split(vp):
    return vp[vp["ej_uppdelad"].fillna("") == ""]


def test_sodertalje_explains_nothing_it_cannot(contexts):
    vp = contexts["sodertalje"].volume_price
    assert _split(vp).empty
    reasons = dict(zip(vp["verksamhet"], vp["ej_uppdelad"]))
    assert "både LSS och SFB" in reasons["Personlig assistans"]
    assert "personligt utformat stöd" in reasons["Ordinärt boende"]
    text = " ".join(summary.full_summary(contexts["sodertalje"]).texts())
    assert "förklaras av volymen" not in text


def test_botkyrka_gross_key_figures_and_sub_rows_are_not_split(contexts):
    vp = contexts["botkyrka"].volume_price
    reasons = dict(zip(vp["verksamhet"], vp["ej_uppdelad"].fillna("")))
    assert "bruttokostnad" in reasons["Personlig assistans,SFB 51"]
    assert "del av 'Personlig assistans,LSS'" in reasons["Varav egen LSS"]
    # Hemtjänst: budget 380 000 h × 349 kr, prognos 388 430 h × 350 kr (Bilaga 2:2) → volume effect
    # (388 430 − 380 000) × −0,349 tkr = −2 942,07 tkr; price effect (−0,350 + 0,349) × 388 430 = −388,43 tkr.
    h = _split(vp).set_index("verksamhet").loc["Hemtjänst"]
    assert round(h["volymeffekt"], 2) == -2942.07 and round(h["priseffekt"], 2) == -388.43


def test_an_effect_larger_than_the_deviation_says_why():
    # volume +7 700 tkr, price −1 800 tkr → the whole deviation is +5 900 tkr (= +5,9 mkr)
    s = explanation("Ordinärt boende", 7700, -1800, "timmar", "utfall mot budget januari–augusti 2017", money="tkr")
    assert "Hela avvikelsen är +5,9\u00a0mkr" in s.text   # amounts of 1 000 tkr and more are shown in mkr
    assert "volymeffekten är större än den" in s.text
    plain = explanation("Hemtjänst", -300, -100, "timmar", "x", money="tkr")
    assert "Hela avvikelsen" not in plain.text
