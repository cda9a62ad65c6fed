#!/usr/bin/env python3
"""Reads a Hoso report workbook with openpyxl (an independent reader) and checks it against the
report's CSV (long form: section,row,column,label,value): one sheet per section, row by row and
column by column; numbers must be numeric cells equal to the CSV's, texts and codes string cells
equal to the CSV's (national IDs and commune codes keep their leading zeros). Prints
'xlsx ok: N numbers, M texts' or the first differences, and exits 1 on any."""
import csv, sys
from collections import OrderedDict

try:
    import openpyxl
except ImportError:
    print("openpyxl is not installed: run scripts/setup.sh (python3 -m pip install openpyxl)")
    sys.exit(2)

xlsx_path, csv_path = sys.argv[1], sys.argv[2]
wb = openpyxl.load_workbook(xlsx_path)
with open(csv_path, encoding="utf-8-sig", newline="") as f:
    rows = list(csv.DictReader(f))

sections = OrderedDict()
for r in rows:
    s = sections.setdefault(r["section"], {"rows": OrderedDict(), "columns": []})
    if r["column"] not in s["columns"]:
        s["columns"].append(r["column"])
    s["rows"].setdefault(r["row"], {})[r["column"]] = r["value"]

errors, numbers, texts = [], 0, 0
CODE_COLUMNS = {"code", "person", "national_id", "commune"}
if wb.sheetnames[0] != "report":
    errors.append("first sheet is %r, not 'report'" % wb.sheetnames[0])
for name, s in sections.items():
    if name not in wb.sheetnames:
        errors.append("no sheet %s" % name)
        continue
    ws = wb[name]
    for i, (key, values) in enumerate(s["rows"].items()):
        for j, column in enumerate(s["columns"]):
            want = values.get(column, "")
            cell = ws.cell(row=i + 2, column=j + 1).value
            where = "%s!%s%d (row %s, column %s)" % (name, openpyxl.utils.get_column_letter(j + 1), i + 2, key, column)
            if want == "":
                if cell not in (None, ""):
                    errors.append("%s: CSV empty, xlsx %r" % (where, cell))
                continue
            if column in CODE_COLUMNS:
                if not isinstance(cell, str) or cell != want:
                    errors.append("%s: code %r should be text, xlsx has %r" % (where, want, cell))
                texts += 1
                continue
            try:
                n = float(want)
                is_number = True
            except ValueError:
                is_number = False
            if is_number and not isinstance(cell, str):
                if not isinstance(cell, (int, float)) or abs(float(cell) - n) > 1e-9:
                    errors.append("%s: CSV %s, xlsx %r" % (where, want, cell))
                numbers += 1
            else:
                if cell != want:
                    errors.append("%s: CSV %r, xlsx %r" % (where, want, cell))
                texts += 1
# Vietnamese read back as written (not only equal to the CSV): the communes' names and the total row
if "persons_by_status" in wb.sheetnames:
    names = [c.value for c in wb["persons_by_status"]["B"]]
    if "Toàn tỉnh" not in names or not any(isinstance(n, str) and (n.startswith("Xã ") or n.startswith("Phường ")) for n in names):
        errors.append("persons_by_status!B does not read back 'Toàn tỉnh' and the communes' Vietnamese names: %r" % names[:5])
if errors:
    print("\n".join(errors[:20]))
    print("%d differences" % len(errors))
    sys.exit(1)
print("xlsx ok: %d numbers, %d texts" % (numbers, texts))
