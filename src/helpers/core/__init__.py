"""The vocabulary every other layer speaks: months, units, measures, periods, the row hierarchy,
the sign convention and the error types. ``core`` imports nothing from the rest of ``helpers``."""
