"""pipeline/libraries.py: a library's module without its package's __init__, in a fresh
interpreter each (what is imported is the point)."""

import subprocess
import sys

import pytest


def python(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@pytest.mark.parametrize("name, heavy", [
    ("extruct.jsonld", ("rdflib", "bs4", "html5lib", "mf2py", "extruct")),
    ("extruct.w3cmicrodata", ("rdflib", "bs4", "html5lib", "mf2py", "extruct")),
    ("nltk.translate.gale_church", ("nltk", "nltk.corpus", "nltk.translate")),
])
def test_the_module_loads_without_its_package_and_leaves_no_trace(name, heavy):
    """Asserts: none of the packages' other parts is imported, nothing under the package
    stays in sys.modules, and loading it twice gives the same module."""
    tops = sorted({package.split(".")[0] for package in heavy})
    out = python(f"""
import sys
from pipeline import libraries
first = libraries.module({name!r})
print(first is libraries.module({name!r}))
print(sorted(key for key in sys.modules if key.split('.')[0] in {tops!r}))
""")
    assert out.splitlines() == ["True", "[]"]


def test_the_extractors_work_and_the_real_package_still_imports_whole_afterwards():
    """Asserts: the JSON-LD and microdata extractors read a page as extruct.extract does,
    and `import extruct` afterwards runs its own __init__ (extruct.jsonld is bound)."""
    out = python("""
from pipeline import libraries
page = ('<html><body><script type="application/ld+json">{"@type": "Organization", "name": "VIL"}'
        '</script><div itemscope itemtype="https://schema.org/Organization">'
        '<span itemprop="name">Flux50</span></div></body></html>')
jsonld = libraries.module("extruct.jsonld").JsonLdExtractor().extract(page)
microdata = libraries.module("extruct.w3cmicrodata").MicrodataExtractor().extract(page)
import extruct
whole = extruct.extract(page, syntaxes=["json-ld", "microdata"], uniform=False)
print(jsonld == whole["json-ld"], microdata == whole["microdata"], jsonld[0]["name"],
      microdata[0]["properties"]["name"], extruct.jsonld.__name__)
""")
    assert out == "True True VIL Flux50 extruct.jsonld"


def test_a_package_already_imported_is_used_as_it_is():
    """Asserts: with the package imported, the module is the package's own."""
    assert python("""
import extruct
from pipeline import libraries
print(libraries.module("extruct.jsonld") is extruct.jsonld)
""") == "True"
