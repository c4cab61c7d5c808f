"""The English catalog of the pages is complete and compiled (message ids are the zh-CN texts)."""
import gettext
import pathlib

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

WEB = pathlib.Path(__file__).resolve().parents[1] / "app" / "web"
PO = WEB / "translations" / "en" / "LC_MESSAGES" / "messages.po"
MO = PO.with_suffix(".mo")
HOW = "see the commands in app/web/babel.cfg"


def _catalog():
    with PO.open("rb") as file:
        return read_po(file, locale="en")


def test_every_text_of_the_pages_has_an_english_translation():
    method_map = [("**/node_modules/**", "ignore"), ("**.py", "python"), ("**/templates/**.html", "jinja2")]
    keywords = {"_": None, "gettext": None, "_l": None, "lazy_gettext": None}
    found = {message for _file, _line, message, _comments, _context in
             extract_from_dir(str(WEB), method_map, keywords=keywords,
                              directory_filter=lambda path: "node_modules" not in path)}
    translated = {m.id for m in _catalog() if m.id and m.string}
    missing = sorted(str(m) for m in found - translated)
    assert not missing, f"untranslated ({HOW}): {missing}"


def test_the_compiled_catalog_matches_the_po_file():
    with MO.open("rb") as file:
        compiled = gettext.GNUTranslations(file)
    stale = [m.id for m in _catalog() if m.id and compiled.gettext(m.id) != m.string]
    assert not stale, f"messages.mo is out of date ({HOW}): {stale[:5]}"
