"""One sign convention for every table: costs and net costs negative, income positive, so that
deviation = outcome − budget and a positive deviation always means better than budget (överskott),
whatever the municipality published."""
from __future__ import annotations

import numpy as np
import pandas as pd

from .vocabulary import SIGNED_BY_CONVENTION


def normalise_sign(df: pd.DataFrame, column: str = "varde", out: str = "belopp") -> pd.DataFrame:
    """A copy with ``out``: costs and net costs negative in every table, income positive."""
    df = df.copy()
    flip = (df["kostnadstecken"] == "plus") & df["matt"].isin(SIGNED_BY_CONVENTION)
    df[out] = np.where(flip, -df[column], df[column])
    return df


