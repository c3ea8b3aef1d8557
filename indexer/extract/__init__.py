"""Extraction: a report file becomes a `Report` record, in one direction, step by step.

    file --reading--> Document --clean--> body text --metadata--> title, agency, year
         --sections--> canonical sections --regions--> province, city, county
         --figures--> statistics and flags --report--> Report

- `reading` picks a format reader by suffix (`READERS`): `plaintext` (plain and crawled
  ``page.txt`` files) and `html`; a PDF or DOCX reader plugs in beside them. Every reader returns
  a `document.Document` (body text, header fields, table cells with their spans).
- `clean` trims web chrome around the report body.
- `metadata` finds title, agency and year; `sections` cuts the canonical sections; `regions`
  resolves the GB/T 2260 division; `figures` reads the statistics and checks them.
- `report.extract_report` runs the steps for one file; `corpus` finds the report files under the
  paths a user gives and extracts them all (`extract_all`), naming every file it skips.

Each step is a function of plain data and depends only on the steps before it.
"""

from indexer.extract.corpus import Skipped, extract_all, is_candidate, iter_files
from indexer.extract.report import extract_report

__all__ = ["Skipped", "extract_all", "extract_report", "is_candidate", "iter_files"]
