"""The vocabulary every other layer speaks: months, units, measures, periods, the row hierarchy,
the sign convention, Swedish number formats and the error types. Imports nothing from the rest."""
