#!/usr/bin/env python3
"""Checks that Chromium's PNG of a report is a real picture (decoded with zlib: a share of the
pixels is not white, and there are several colours) and that its PDF has pages. Prints what it
found; exits 1 when either is blank or broken. Python standard library only."""
import re, struct, sys, zlib

png_path, pdf_path = sys.argv[1], sys.argv[2]
data = open(png_path, "rb").read()
if data[:8] != b"\x89PNG\r\n\x1a\n":
    print("not a PNG"); sys.exit(1)
pos, idat, width = 8, b"", 0
while pos < len(data):
    n, kind = struct.unpack(">I4s", data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + n]
    if kind == b"IHDR":
        width, height, depth, ctype = struct.unpack(">IIBB", body[:10])
    elif kind == b"IDAT":
        idat += body
    pos += 12 + n
if depth != 8 or ctype not in (2, 6):
    print("unexpected PNG format depth %d colour type %d" % (depth, ctype)); sys.exit(1)
bpp = 3 if ctype == 2 else 4
raw = zlib.decompress(idat)
stride = width * bpp
prev = bytearray(stride)
nonwhite, colours, i = 0, set(), 0
for y in range(height):
    f = raw[i]; line = bytearray(raw[i + 1:i + 1 + stride]); i += 1 + stride
    for x in range(stride):
        a = line[x - bpp] if x >= bpp else 0
        b = prev[x]
        c = prev[x - bpp] if x >= bpp else 0
        if f == 1: line[x] = (line[x] + a) & 255
        elif f == 2: line[x] = (line[x] + b) & 255
        elif f == 3: line[x] = (line[x] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    if y % 4 == 0:
        for x in range(0, stride, bpp * 4):
            px = bytes(line[x:x + 3])
            if px != b"\xff\xff\xff":
                nonwhite += 1
            colours.add(px)
    prev = line
sampled = (height // 4 + 1) * (width // 4 + 1)
share = nonwhite / sampled
pdf = open(pdf_path, "rb").read()
pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
print("png %dx%d, %.1f%% of sampled pixels not white, %d colours; pdf %d bytes, %d pages" % (width, height, share * 100, len(colours), len(pdf), pages))
if share < 0.05 or len(colours) < 8:
    print("the PNG is blank"); sys.exit(1)
if not pdf.startswith(b"%PDF") or pages < 1:
    print("the PDF has no page"); sys.exit(1)
