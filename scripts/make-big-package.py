#!/usr/bin/env python3
"""Writes a large SCORM 1.2 package for the import benchmark (docs/benchmarks.md).

    scripts/make-big-package.py OUT.zip [--files 5000] [--mb 200]

Files hold pseudo-random bytes (incompressible, like media) spread over nested folders;
one HTML page is the launch file. Deterministic for a given size, so runs compare.
"""
import argparse
import random
import zipfile

MANIFEST = """<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="big-package" version="1"
  xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
  xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2">
  <metadata><schema>ADL SCORM</schema><schemaversion>1.2</schemaversion></metadata>
  <organizations default="org"><organization identifier="org"><title>Big package</title>
    <item identifier="i1" identifierref="r1"><title>Start</title></item>
  </organization></organizations>
  <resources><resource identifier="r1" type="webcontent" adlcp:scormtype="sco" href="index.html">
    <file href="index.html"/></resource></resources>
</manifest>
"""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--files", type=int, default=5000)
    ap.add_argument("--mb", type=int, default=200)
    a = ap.parse_args()
    rng = random.Random(42)
    per_file = a.mb * 1024 * 1024 // a.files
    with zipfile.ZipFile(a.out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        z.writestr("imsmanifest.xml", MANIFEST)
        z.writestr("index.html", "<!doctype html><title>Big</title><p>Big package</p>")
        for i in range(a.files - 2):
            name = f"assets/d{i % 50:02d}/f{i:05d}.bin"
            z.writestr(name, rng.randbytes(per_file), compress_type=zipfile.ZIP_STORED)


if __name__ == "__main__":
    main()
