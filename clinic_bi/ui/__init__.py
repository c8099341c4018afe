"""The web app's own code: filters and URL state, ru/en labels, cached data access, the demo
store, downloads. Pages (`streamlit_app.py`, `pages/*.py`) only lay out what these return; the
charts are `clinic_bi/charts.py`; every figure comes from `clinic_bi.metrics.Engine`."""
