"""From an export file to the store's canonical rows: sniffing and reading (readers, sheets),
recognising the table and mapping its columns (mapping, profiles/), status words (values),
personal data (privacy), the words the clinic maps (word_choices) and the load itself: loader
(the transaction), parse (staging and parsing into temp tables), preview, profile_choice, journal
(the uploads, and undoing one), results (the store's statements are clinic_bi.store.statements). See README, "How the code is laid out"."""
