"""The report for one (kommun, period) as a context whose parts a notebook cell shows, and the
exploration widgets."""
