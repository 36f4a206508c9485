"""Calculations on DataFrames: the reconciled economy table (figures in use), forecasts and their
history, volume series and same-period comparisons, volume and price."""
