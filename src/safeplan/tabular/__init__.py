"""Reading and writing tabular files safely: the neutral module every reader and writer uses.

It imports nothing from the other safeplan apps (nor Django), so that any
layer may use it:

- `safeplan.tabular.errors`: `ReadError`, a file that cannot or may not be read,
  with the rule it breaks (R-F..);
- `safeplan.tabular.limits`: `FileLimits`, what a file may hold before it is
  read in full (rows, cells per row, line length, the XLSX archive);
- `safeplan.tabular.xlsx`: `open_workbook`, the one way an XLSX file is opened
  (its zip is inspected for a decompression bomb before openpyxl reads it);
- `safeplan.tabular.text`: CSV lines read with a bound on their length;
- `safeplan.tabular.export`: CSV and XLSX written for a hostile reader (no cell
  is ever a formula: OWASP's CSV-injection rule), and `restore` for reading our
  own CSV exports back.
"""
