"""How figures look and read: the figure registry (figures), words below the app (words),
number formatting (fmt), charts (charts), the CLI's report and console output (report,
console) and safe downloads (exports). Reads clinic_bi.metrics; the app and the CLI read it."""
