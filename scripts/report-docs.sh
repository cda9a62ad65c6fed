#!/usr/bin/env bash
# Regenerates docs/demo-annual-2025.{md,csv,html,xlsx} from the demo province (hoso demo, fixed
# seed) and docs/demo-annual-2025-page1.png, the first page of the HTML report as headless
# Chromium prints it on A4 (PDF), rasterised by pdftoppm (Debian's poppler-utils; installed
# when missing). Run from anywhere; it builds hoso with its own scratch path.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
command -v pdftoppm >/dev/null 2>&1 || { SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"; $SUDO apt-get install -y -qq poppler-utils >/dev/null; }
swift build --scratch-path .build-docs --product hoso
hoso=.build-docs/debug/hoso
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$hoso" demo --store "$work/store" --table >/dev/null
for f in md csv html xlsx; do
  "$hoso" report annual --year 2025 --store "$work/store" --format "$f" --output "docs/demo-annual-2025.$f"
done
chromium --headless --no-sandbox --disable-gpu --no-pdf-header-footer --user-data-dir="$work/profile" \
  --print-to-pdf="$work/annual.pdf" "file://$PWD/docs/demo-annual-2025.html" 2>/dev/null
pdftoppm -png -r 100 -f 1 -l 1 -singlefile "$work/annual.pdf" docs/demo-annual-2025-page1
chmod 644 docs/demo-annual-2025*
echo "wrote docs/demo-annual-2025.{md,csv,html,xlsx} and docs/demo-annual-2025-page1.png"
