"""Labels as a nämnd member reads them. The published label stays in the data, the exports and the
analysis version; the nämnd's report shows it without account codes and extraction artefacts:

- a leading code: '71 Centralt' → 'Centralt', 'Summa 77 Äldreomsorg' → 'Summa Äldreomsorg';
- a comma without a space: 'Personlig assistans,SFB 51' → 'Personlig assistans, SFB 51';
- a word split at a line end in the PDF: 'verksamhets- områden' → 'verksamhetsområden' (but
  'hälso- och sjukvård' stays: the hyphen there is Swedish, not an artefact)."""
from __future__ import annotations

import re

import pandas as pd

_CODE = re.compile(r"^((?:Summa|Totalt|Varav) )?(?!(?:19|20)\d\d\s)\d{1,4}\s+(?=[^\d\s])")   # a year is no code
_COMMA = re.compile(r",(?=\S)")
_SPLIT = re.compile(r"(\w)- (?!(?:och|eller|samt|resp|respektive)\b)([a-zåäö])")
_SPACES = re.compile(r"\s+")


def display_label(label: str) -> str:
    """The label for the nämnd's report (see the module docstring)."""
    text = _SPACES.sub(" ", str(label)).strip()
    text = _CODE.sub(r"\1", text)
    text = _COMMA.sub(", ", text)
    text = _SPLIT.sub(r"\1\2", text)
    return text[:1].upper() + text[1:] if text else text


def display_labels(values: pd.Series) -> pd.Series:
    return values.map(display_label)


_LINE_REF = re.compile(r"\s*\((?:kommunens text, )?rad \d+(?:[–-]\d+)?\)")


def reader_text(text: str) -> str:
    """A sentence from the data as the nämnd reads it: without references to line numbers of the
    source ('(kommunens text, rad 97)'), which belong in the analysis version."""
    return _LINE_REF.sub("", str(text))
