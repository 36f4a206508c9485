"""Files for readers: xlsx/CSV/HTML exports that cannot execute, the notebook → HTML export through
the project's template, and reports/index.html."""
