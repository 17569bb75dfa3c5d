"""GNU's own PO reader (libgettextpo, Debian package libgettextpo0) through ctypes: the judge.

`python -m tests.support.libgettextpo FILE...` prints one JSON line per file: the errors GNU
reports, or every message's fields as GNU read them (strings as the file's bytes,
decoded with its declared charset). It runs as its own process because the
library expects a fatal-error handler never to return.
"""

import ctypes
import json
import sys

SEVERITY_WARNING = 0
XERROR = ctypes.CFUNCTYPE(None, ctypes.c_int, ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t,
                          ctypes.c_size_t, ctypes.c_int, ctypes.c_char_p)
XERROR2 = ctypes.CFUNCTYPE(None, ctypes.c_int, ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t,
                           ctypes.c_size_t, ctypes.c_int, ctypes.c_char_p, ctypes.c_void_p,
                           ctypes.c_char_p, ctypes.c_size_t, ctypes.c_size_t, ctypes.c_int,
                           ctypes.c_char_p)


class Handler(ctypes.Structure):
    _fields_ = [("xerror", XERROR), ("xerror2", XERROR2)]


def _library():
    lib = ctypes.CDLL("libgettextpo.so.0")
    pointer = ctypes.c_void_p
    for name, restype, argtypes in (
            ("po_file_read_v3", pointer, [ctypes.c_char_p, ctypes.POINTER(Handler)]),
            ("po_message_iterator", pointer, [pointer, ctypes.c_char_p]),
            ("po_next_message", pointer, [pointer]),
            ("po_message_msgstr_plural", ctypes.c_char_p, [pointer, ctypes.c_int]),
            ("po_message_filepos", pointer, [pointer, ctypes.c_int]),
            ("po_filepos_file", ctypes.c_char_p, [pointer]),
            ("po_filepos_start_line", ctypes.c_size_t, [pointer]),
            ("po_message_is_format", ctypes.c_int, [pointer, ctypes.c_char_p]),
            ("po_message_is_range", ctypes.c_int, [pointer, ctypes.POINTER(ctypes.c_int),
                                                   ctypes.POINTER(ctypes.c_int)])):
        getattr(lib, name).restype, getattr(lib, name).argtypes = restype, argtypes
    for name in ("msgctxt", "msgid", "msgid_plural", "msgstr", "comments",
                 "extracted_comments", "prev_msgctxt", "prev_msgid", "prev_msgid_plural"):
        function = getattr(lib, f"po_message_{name}")
        function.restype, function.argtypes = ctypes.c_char_p, [pointer]
    for name in ("is_obsolete", "is_fuzzy"):
        function = getattr(lib, f"po_message_{name}")
        function.restype, function.argtypes = ctypes.c_int, [pointer]
    return lib


def read(lib, path: str, formats: list[str]) -> dict:
    """{"errors": [...]} or {"messages": [...]} for one file, as GNU reads it."""
    errors = []

    def xerror(severity, message, filename, line, column, multiline, text):
        if severity != SEVERITY_WARNING:
            errors.append(f"{line}:{column}: {text.decode(errors='replace')}")

    def xerror2(severity, m1, f1, l1, c1, ml1, t1, m2, f2, l2, c2, ml2, t2):
        if severity != SEVERITY_WARNING:
            errors.append(f"{l1}:{c1}: {t1.decode(errors='replace')}")

    handler = Handler(XERROR(xerror), XERROR2(xerror2))
    file = lib.po_file_read_v3(path.encode(), ctypes.byref(handler))
    if errors or not file:
        return {"errors": errors or ["unreadable"]}
    iterator = lib.po_message_iterator(file, None)
    messages = []
    while message := lib.po_next_message(iterator):
        messages.append(_fields(lib, message, formats))
    lib.po_message_iterator_free(ctypes.c_void_p(iterator))
    lib.po_file_free(ctypes.c_void_p(file))
    return {"messages": messages}


def _fields(lib, message, formats: list[str]) -> dict:
    def text(name):
        value = getattr(lib, f"po_message_{name}")(message)
        return None if value is None else value.decode("latin-1")

    fields = {name: text(name) for name in (
        "msgctxt", "msgid", "msgid_plural", "msgstr", "comments", "extracted_comments",
        "prev_msgctxt", "prev_msgid", "prev_msgid_plural")}
    plural, index = [], 0
    while fields["msgid_plural"] is not None:
        form = lib.po_message_msgstr_plural(message, index)
        if form is None:
            break
        plural.append(form.decode("latin-1"))
        index += 1
    fields["msgstr_plural"] = plural
    references, index = [], 0
    while position := lib.po_message_filepos(message, index):
        line = lib.po_filepos_start_line(position)
        name = lib.po_filepos_file(position).decode("latin-1")
        references.append(name if line == ctypes.c_size_t(-1).value else f"{name}:{line}")
        index += 1
    fields["references"] = references
    fields["obsolete"] = bool(lib.po_message_is_obsolete(message))
    fields["fuzzy"] = bool(lib.po_message_is_fuzzy(message))
    fields["formats"] = sorted(name for name in formats
                               if lib.po_message_is_format(message, name.encode()))
    low, high = ctypes.c_int(), ctypes.c_int()
    if lib.po_message_is_range(message, ctypes.byref(low), ctypes.byref(high)):
        fields["range"] = [low.value, high.value]
    return fields


def main(paths: list[str]) -> None:
    lib = _library()
    lib.po_format_list.restype = ctypes.POINTER(ctypes.c_char_p)
    names, formats = lib.po_format_list(), []
    while names[len(formats)]:
        formats.append(names[len(formats)].decode())
    for path in paths:
        print(json.dumps({"path": path, **read(lib, path, formats)}), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
