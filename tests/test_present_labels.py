"""Labels as the nämnd reads them: the cases issue 18 names, and what must stay as it is."""
import pytest

from helpers.present.labels import display_label, reader_text


@pytest.mark.parametrize("published,shown", [
    ("71 Centralt", "Centralt"),                                        # Botkyrka's account codes
    ("786 Personlig assistans", "Personlig assistans"),
    ("Summa 77 Äldreomsorg", "Summa Äldreomsorg"),
    ("Personlig assistans,SFB 51", "Personlig assistans, SFB 51"),      # Södertälje, comma without a space
    ("Summa verksamhets- områden LSS", "Summa verksamhetsområden LSS"),  # a word split at a PDF line end
    ("Hälso- och sjukvård", "Hälso- och sjukvård"),                     # a Swedish hyphen stays
    ("2017 års budget", "2017 års budget"),                             # a year is not a code
    ("Gemensamma  kostnader\tLSS", "Gemensamma kostnader LSS"),
])
def test_display_label(published, shown):
    assert display_label(published) == shown


def test_reader_text_drops_line_references():
    text = "Prognosen förutsätter den tilläggsbudget om 8 miljoner kronor (kommunens text, rad 97)."
    assert reader_text(text) == "Prognosen förutsätter den tilläggsbudget om 8 miljoner kronor."
