#!/usr/bin/env bash
# Make sure a headless browser is there for tests/test_report.py::test_renders_in_headless_chromium and
# tests/test_workshop.py::test_the_page_in_a_real_browser (Playwright, from the test extra, drives this system
# chromium: it never downloads a browser of its own), and pdftotext (poppler-utils) for the printed (A4 PDF) check
# of the report.
#
# If `chromium` is on PATH, there is nothing to do. Otherwise, as root on Debian/Ubuntu, install it quietly with
# apt-get; if that fails (no network, another package manager, not root) say so and carry on: the browser tests are
# then skipped with their reason, the other tests still run. Always exits 0, so it can stand in front of `pytest`.
set -u

if command -v chromium >/dev/null 2>&1 && command -v pdftotext >/dev/null 2>&1; then
    exit 0
fi

if [ "${EUID:-1}" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "setup-browser: installing chromium and poppler-utils (Debian packages) for the browser test of the report ..." >&2
    if DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null \
        && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium poppler-utils >/dev/null; then
        exit 0
    fi
    echo "setup-browser: warning: could not install chromium; the browser test of the report will be skipped" >&2
    exit 0
fi

echo "setup-browser: chromium is not installed and cannot be installed here (needs root and apt-get);" \
     "the browser test of the report will be skipped" >&2
exit 0
