#!/usr/bin/env python3
"""Prints one sheet of a workbook as JSON rows (header row first), read with openpyxl (an
independent reader): dump_xlsx_sheet.py FILE.xlsx SHEET."""
import json, sys

try:
    import openpyxl
except ImportError:
    print("openpyxl is not installed: run scripts/setup.sh (python3 -m pip install openpyxl)")
    sys.exit(2)

wb = openpyxl.load_workbook(sys.argv[1])
if sys.argv[2] not in wb.sheetnames:
    print("no sheet %s (sheets: %s)" % (sys.argv[2], ", ".join(wb.sheetnames)))
    sys.exit(1)
ws = wb[sys.argv[2]]
print(json.dumps([["" if v is None else v for v in row] for row in ws.iter_rows(values_only=True)], ensure_ascii=False))
