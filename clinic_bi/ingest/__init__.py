"""From an export file to the store's canonical rows: sniffing and reading (readers, sheets),
recognising the table and mapping its columns (mapping, profiles/), status words (values),
personal data (privacy) and the load itself (loader). See README, "How the code is laid out"."""
