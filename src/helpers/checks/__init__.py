"""Every published figure that can be recomputed is recomputed (``Check``); the evidence decides which
figure the report uses where a total and its rows disagree; failing checks are grouped by cause."""
