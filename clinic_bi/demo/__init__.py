"""Demo exports: a seeded, realistic dental clinic over three years, written as the files a clinic
really has (IDENT and Medesk service reports, a Bitrix24 lead export, the schedule, contracts, ad
spend, reviews, the patient list), with the quirks of each format (DATA.md, "What real exports
look like").

The story the demo tells, and that `tests/test_demo.py` checks at the default size:
- Детская стоматология brings about three times the patients of Ортопедия, and Ортопедия about
  60 % more revenue (~3000 patients / ~20 mln ₽ against ~1000 / ~33 mln ₽ over three years).
- In Терапия, Иванова А. С. keeps her patients for years (most come back within 180 days, again
  and again), while Петров Д. В. sees many new patients who mostly never come back to him.
- Paid channels differ widely in cost per new patient (ПроДокторов ~1.5k ₽, VK Реклама ~9k ₽).
- About 5 % of patients were first seen before the window (their early history is not exported).
- CRM statuses lag behind reality for some leads; some leads never book, some book and never come.
- The Medesk file repeats the last 7 days of the IDENT export before it (same lines, same visit
  numbers), as next month's export does, so that a load must de-duplicate.

Everything is drawn from one `numpy.random.Generator` in a fixed order, so the same arguments give
the same files (byte for byte for the CSVs; XLSX files carry the time they were written).

Modules: `catalogue` (the declarative data), `draw` (window and drawing helpers), `people` and
`activity` (the simulation's steps), `simulate` (`DemoData`, `simulate`), `write` (the writers).
"""

from clinic_bi.demo.catalogue import OVERLAP_DAYS
from clinic_bi.demo.draw import default_end, window
from clinic_bi.demo.simulate import DemoData, simulate
from clinic_bi.demo.write import write_demo

__all__ = ["OVERLAP_DAYS", "DemoData", "default_end", "simulate", "window", "write_demo"]
