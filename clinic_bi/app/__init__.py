"""The web app's own code: filters and URL state, ru/en labels, cached data access, the demo
store, downloads. Pages (`streamlit_app.py`, `pages/*.py`) only lay out what these return; the
charts are `clinic_bi/present/charts/`; every figure comes from `clinic_bi.metrics.Engine`.

Importing this package sets the process umask to 077 (`clinic_bi.paths.private_umask`): every
page imports it, so before the web app opens a store, stages an upload or builds the demo, all
files it (or DuckDB) creates are 0600 and all folders 0700."""

from clinic_bi.paths import private_umask

private_umask()
