"""A library's module imported without running its packages' `__init__`.

extruct's and NLTK's packages import every part of themselves when any one is
imported: extruct loads rdflib, pyRdfa, mf2py, bs4, soupsieve and html5lib for its
RDFa and microformats readers, NLTK its whole toolkit. That is 0.3-0.4 s each, in
the middle of a crawl or a publish, for one small module we use (extruct's JSON-LD
and microdata extractors, NLTK's Gale-Church aligner). The module itself is the
library's own, pinned and unchanged; only its packages' `__init__` is skipped.
"""

import importlib
import importlib.util
import sys
from functools import cache


@cache
def module(name: str):
    """The module `package.sub…name`, loaded once, with its packages standing in
    uninitialised. Nothing under those packages is kept in `sys.modules`: a later
    `import package` runs the package's own `__init__` and loads its own copies."""
    parts = name.split(".")
    top = parts[0]
    if top in sys.modules:
        return importlib.import_module(name)  # the package is initialised already
    try:
        for depth in range(1, len(parts)):
            package = ".".join(parts[:depth])
            sys.modules[package] = importlib.util.module_from_spec(
                importlib.util.find_spec(package))
        return importlib.import_module(name)
    finally:
        for loaded in [key for key in sys.modules if key == top or key.startswith(top + ".")]:
            del sys.modules[loaded]
