"""Hand-made PO files: ways a catalog gets broken, and valid corners GNU reads.

Each is a whole file (header included unless the case is about the header).
The issue's tables are among them; tests/i18n/test_po_gnu.py runs all through GNU.
"""

HEADER = 'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n'


def _po(body: str, header: str = HEADER) -> bytes:
    return (header + body).encode("utf-8")


def _charset(name: str) -> str:
    return f'msgid ""\nmsgstr "Content-Type: text/plain; charset={name}\\n"\n\n'


BROKEN = {
    "two-msgstr": _po('msgid "a"\nmsgstr "x"\nmsgstr "y"\n'),
    "msgstr-index-without-plural": _po('msgid "a"\nmsgstr[0] "x"\n'),
    "plural-with-plain-msgstr": _po('msgid "a"\nmsgid_plural "as"\nmsgstr "x"\n'),
    "unescaped-quotes": _po('msgid "a"\nmsgstr "Klik "hier""\n'),
    "unknown-escape-q": _po('msgid "a"\nmsgstr "x\\q"\n'),
    "windows-path": _po('msgid "a"\nmsgstr "C:\\Users\\an"\n'),
    "escaped-question-mark": _po('msgid "a?"\nmsgstr "x\\?"\n'),
    "escaped-apostrophe": _po('msgid "a"\nmsgstr "l\\\'eau"\n'),
    "msgid-without-msgstr": _po('msgid "a"\n\nmsgid "b"\nmsgstr "y"\n'),
    "msgid-without-msgstr-at-end": _po('msgid "a"\n'),
    "plural-index-1-before-0": _po('msgid "a"\nmsgid_plural "as"\nmsgstr[1] "x"\n'
                                   'msgstr[0] "y"\n'),
    "plural-index-gap": _po('msgid "a"\nmsgid_plural "as"\nmsgstr[0] "x"\nmsgstr[2] "y"\n'),
    "plural-index-repeated": _po('msgid "a"\nmsgid_plural "as"\nmsgstr[0] "x"\n'
                                 'msgstr[0] "y"\n'),
    "plural-without-msgstr": _po('msgid "a"\nmsgid_plural "as"\n'),
    "obsolete-msgid-live-msgstr": _po('#~ msgid "a"\nmsgstr "x"\n'),
    "live-msgid-obsolete-msgstr": _po('msgid "a"\n#~ msgstr "x"\n'),
    "two-obsolete-one-key": _po('#~ msgid "a"\n#~ msgstr "x"\n\n#~ msgid "a"\n#~ msgstr "y"\n'),
    "obsolete-and-live-one-key": _po('msgid "a"\nmsgstr "x"\n\n#~ msgid "a"\n#~ msgstr "y"\n'),
    "duplicate-live": _po('msgid "a"\nmsgstr "x"\n\nmsgid "a"\nmsgstr "y"\n'),
    "duplicate-with-context": _po('msgctxt "c"\nmsgid "a"\nmsgstr "x"\n\n'
                                  'msgctxt "c"\nmsgid "a"\nmsgstr "y"\n'),
    "two-headers": _po('msgid ""\nmsgstr "Language: nl\\n"\n'),
    "previous-live-then-obsolete": _po('#| msgid "old"\n#~ msgid "a"\n#~ msgstr "x"\n'),
    "hex-escape-overflow": _po('msgid "a"\nmsgstr "x\\xFFFFFFFFF"\n'),
    "hex-escape-invalid-utf8": _po('msgid "a"\nmsgstr "x\\xff"\n'),
    "octal-escape-invalid-utf8": _po('msgid "a"\nmsgstr "x\\377"\n'),
    "hex-escape-without-digits": _po('msgid "a"\nmsgstr "x\\xg"\n'),
    "invalid-utf8-bytes": HEADER.encode() + b'msgid "a"\nmsgstr "\xff\xfe"\n',
    "latin1-bytes-declared-utf8": HEADER.encode() + b'msgid "a"\nmsgstr "caf\xe9"\n',
    "utf8-bytes-declared-ascii": _po('msgid "a"\nmsgstr "café"\n', _charset("ASCII")),
    "non-ascii-without-header": 'msgid "a"\nmsgstr "café"\n'.encode(),
    "non-ascii-header-without-charset": _po('msgid "a"\nmsgstr "café"\n',
                                            'msgid ""\nmsgstr "Language: nl\\n"\n\n'),
    "unknown-charset": _po('msgid "a"\nmsgstr "x"\n', _charset("KLINGON-8")),
    "template-charset-in-po": _po('msgid "a"\nmsgstr "x"\n', _charset("CHARSET")),
    "unknown-charset-after-comments": _po('msgid "a"\nmsgstr "x"\n',
                                          "# Dutch\n#, fuzzy\n" + _charset("KLINGON-8")),
    "non-ascii-header-after-comment-without-charset": _po(
        'msgid "a"\nmsgstr "café"\n', '# Dutch\nmsgid ""\nmsgstr "Language: nl\\n"\n\n'),
    "empty-charset": _po('msgid "a"\nmsgstr "x"\n', _charset(" UTF-8")),
    "unterminated-string": _po('msgid "a"\nmsgstr "x\n'),
    "unterminated-at-end-of-file": _po('msgid "a"\nmsgstr "x'),
    "string-without-keyword": _po('"x"\nmsgid "a"\nmsgstr "y"\n', ""),
    "unknown-keyword": _po('msgid "a"\nmsgtxt "x"\n'),
    "keyword-in-capitals": _po('MSGID "a"\nmsgstr "x"\n'),
    "msgctxt-twice": _po('msgctxt "c"\nmsgctxt "d"\nmsgid "a"\nmsgstr "x"\n'),
    "msgctxt-without-msgid": _po('msgctxt "c"\nmsgstr "x"\n'),
    "msgid-plural-twice": _po('msgid "a"\nmsgid_plural "b"\nmsgid_plural "c"\n'
                              'msgstr[0] "x"\n'),
    "keyword-without-string": _po('msgid\nmsgstr "x"\n'),
    "comment-inside-entry": _po('msgid "a"\n# note\nmsgstr "x"\n'),
    "junk-character": _po('msgid "a"\nmsgstr "x";\n'),
    "single-quotes": _po("msgid 'a'\nmsgstr 'x'\n"),
    "previous-msgstr": _po('#| msgstr "old"\nmsgid "a"\nmsgstr "x"\n'),
    "previous-without-message": _po('msgid "a"\nmsgstr "x"\n\n#| msgid "old"\n'),
    "msgstr-bracket-without-number": _po('msgid "a"\nmsgid_plural "as"\nmsgstr[] "x"\n'),
    "non-ascii-escape-without-header": b'msgid "a"\nmsgstr "\\xff"\n',
    "utf8-bom-twice": b"\xef\xbb\xbf" + _po('msgid "a"\nmsgstr "x"\n', "\ufeff" + HEADER),
    # cases the mutation run found untested (tests/MUTATION.md)
    "bad-escape-after-hex": _po('msgid "a"\nmsgstr "\\x41\\q"\n'),
    "bad-escape-on-continuation-line": _po('msgid "a"\nmsgstr ""\n"x\\q"\n'),
    "escaped-closing-quote-on-continuation-line": _po('msgid "a"\nmsgstr ""\n"x\\"\n'),
    "lone-quote-line": _po('msgid "a"\nmsgstr ""\n"\n'),
    "plural-msgstr-string-on-next-line": _po('msgid "a"\nmsgid_plural "as"\nmsgstr\n"x"\n'),
    "comment-after-msgctxt": _po('msgctxt "c"\n# note\nmsgid "a"\nmsgstr "x"\n'),
    "plural-msgstr-without-open-bracket": _po('msgid "a"\nmsgid_plural "as"\nmsgstr 0] "x"\n'),
    "keyword-then-lone-quote": _po('msgid "a"\nmsgstr "\n'),
    "escaped-closing-quote-after-keyword": _po('msgid "a"\nmsgstr "x\\"\n'),
    "invalid-utf8-on-last-line-without-newline": _po('msgid "a"\nmsgstr ""\n"\xff"').replace(
        b"\xc3\xbf", b"\xff"),
    "previous-plural-without-previous-msgid": _po('#| msgid_plural "os"\nmsgid "a"\n'
                                                  'msgstr "x"\n'),
    "obsolete-previous-plural-after-live-previous": _po(
        '#| msgid "o"\n#~| msgid_plural "os"\nmsgid "a"\nmsgstr "x"\n'),
    "obsolete-previous-msgid-after-live-previous-context": _po(
        '#| msgctxt "c"\n#~| msgid "o"\nmsgid "a"\nmsgstr "x"\n'),
    "obsolete-msgstr-live-index": _po('#~ msgid "a"\n#~ msgid_plural "as"\n#~ msgstr\n[0] "x"\n'),
    "obsolete-plural-msgstr-live-string": _po('#~ msgid "a"\n#~ msgid_plural "as"\n'
                                              '#~ msgstr[0]\n"x"\n'),
    "obsolete-msgid-live-continuation": _po('#~ msgid "a"\n"b"\n#~ msgstr "x"\n'),
    "previous-after-msgctxt": _po('msgctxt "c"\n#| msgid "o"\nmsgid "a"\nmsgstr "x"\n'),
    "plural-after-msgctxt": _po('msgctxt "c"\nmsgid_plural "as"\nmsgstr[0] "x"\n'),
    "index-without-message": _po('[0] "x"\n'),
    "plural-with-two-plain-strings": _po('msgid "a"\nmsgid_plural "as"\nmsgstr "x" "y"\n'),
    "bad-escape-in-second-string": _po('msgid "a"\nmsgstr "x" "\\q"\n'),
    "unterminated-continuation-line": _po('msgid "a"\nmsgstr ""\n"abc\n'),
    "two-obsolete-with-context": _po('#~ msgctxt "c"\n#~ msgid "a"\n#~ msgstr "x"\n\n'
                                     '#~ msgctxt "c"\n#~ msgid "a"\n#~ msgstr "y"\n'),
    "indented-comment-after-msgctxt": _po('msgctxt "c"\n  # note\nmsgid "a"\nmsgstr "x"\n'),
    "obsolete-msgid-live-plural": _po('#~ msgid "a"\nmsgid_plural "as"\n#~ msgstr[0] "x"\n'),
    "obsolete-index-without-message": _po('#~ [0] "x"\n'),
    "msgctxt-at-end-of-file": _po('msgid "a"\nmsgstr "x"\n\nmsgctxt "c"\n'),
    "escaped-unknown-charset-after-comments": _po(
        'msgid "a"\nmsgstr "x"\n', "# Dutch\n# team\n" + _charset("KLINGON\\0558")),
    # a syntax error before an undecodable byte in the same block of the reader: GNU names
    # the syntax error first (found by tests/i18n/test_po_fast_paths.py)
    "missing-msgstr-before-an-invalid-byte": HEADER.encode()
    + b'#~ msgid "a"\n#. extracted\nmsgid "\xe9"\nmsgstr ""\n',
    # UTF-8 under a CP1252 label, with a byte CP1252 lacks ("Ł" is C5 81): GNU refuses the
    # byte ("invalid multibyte sequence"), we name the label (see MISLABELLED)
    "utf8-bytes-declared-cp1252-with-a-byte-cp1252-lacks": _po(
        'msgid "a"\nmsgstr "Łódź"\n', _charset("CP1252")),
}

# Files GNU reads and we refuse on purpose: a header naming a single-byte charset over
# bytes that are UTF-8 with multibyte sequences. GNU reads them in the named charset and
# writes mojibake ("financiële" comes out as "financiÃ«le").
MISLABELLED = {
    "utf8-bytes-declared-iso-8859-1": _po(
        '#. The figures table.\nmsgid "financial figures"\nmsgstr "financiële cijfers"\n',
        'msgid ""\nmsgstr ""\n"Project-Id-Version: speerpunt\\n"\n"Language: nl\\n"\n'
        '"Content-Type: text/plain; charset=ISO-8859-1\\n"\n\n'),
    "utf8-bytes-declared-koi8-r": _po('msgid "a"\nmsgstr "мир"\n', _charset("koi8-r")),
    "utf8-bytes-with-a-bom-declared-iso-8859-15": b"\xef\xbb\xbf" + _po(
        'msgid "a"\nmsgstr "5 €"\n', "# Team\n" + _charset("ISO-8859-15")),
}

VALID = {
    "two-strings-on-one-line": _po('msgid "a" "b"\nmsgstr "x" "y"\n'),
    "comment-after-last-entry": _po('msgid "a"\nmsgstr "x"\n\n# trailing comment\n#. x\n'),
    "charset-ascii": _po('msgid "a"\nmsgstr "x"\n', _charset("ASCII")),
    "charset-iso-8859-1": _charset("ISO-8859-1").encode() + 'msgid "a"\nmsgstr "café"\n'.encode(
        "latin-1"),
    "charset-iso-8859-15": _charset("iso-8859-15").encode()
    + '# €\nmsgid "a"\nmsgstr "5 €"\n'.encode("iso-8859-15"),
    "charset-cp1252": _charset("CP1252").encode() + '#. “x”\nmsgid "a"\nmsgstr "‘x’"\n'.encode(
        "cp1252"),
    "charset-koi8-r": _charset("KOI8-R").encode() + 'msgid "a"\nmsgstr "мир"\n'.encode("koi8-r"),
    "charset-shift-jis": _charset("SHIFT_JIS").encode()
    + 'msgid "a"\nmsgstr "表示"\n'.encode("shift_jis"),
    "utf8-bom": b"\xef\xbb\xbf" + _po('msgid "a"\nmsgstr "x"\n'),
    "no-header-ascii": b'msgid "a"\nmsgstr "x"\n',
    "header-last": _po('msgid "a"\nmsgstr "café"\n\n' + HEADER.rstrip("\n") + "\n", ""),
    "nul-escapes-end-strings": _po('msgid "a"\nmsgstr "x\\0y" "z"\n\nmsgid "b"\n'
                                   'msgstr "x\\x110000y"\n\nmsgid "c"\nmsgstr "x\\xd800"\n'),
    "octal-and-hex-utf8": _po('msgid "a"\nmsgstr "caf\\303\\251 \\x41\\101"\n'),
    "comment-whitespace": _po('# note   \n#  indented\n#\n#plain\n#.x\n#. \n#.  two\n'
                              'msgid "a"\nmsgstr "x"\n'),
    "flags-order-duplicates": _po('#, c-format, fuzzy, foo, c-format\n#, python-format\n'
                                  '#: a.c:1 a.c:1\n#: b.c:02 a.c:1\nmsgid "a"\nmsgstr "x"\n'),
    "flags-possible-impossible-range-wrap": _po(
        '#, range: 1..5, no-wrap, possible-c-format, impossible-python-format, no-java-format\n'
        'msgid "a"\nmsgstr "x"\n\n#, wrap\nmsgid "b"\nmsgstr "y"\n'),
    "fuzzy-empty-translation": _po('#, fuzzy\nmsgid "a"\nmsgstr ""\n\n#, fuzzy\nmsgid "b"\n'
                                   'msgid_plural "bs"\nmsgstr[0] ""\nmsgstr[1] "y"\n'),
    "crlf-line-ends": _po('# note\r\n#. extracted\r\nmsgid "a"\r\nmsgstr "x"\r\n'),
    "tokens-without-spaces": _po('msgid"a"msgstr"x"msgid "b" msgstr "y"\n'),
    "spaced-plural-index": _po('msgid "a"\nmsgid_plural "as"\nmsgstr [ 0 ] "x"\n'
                               'msgstr[01] "y"\n'),
    "obsolete-comments-and-previous": _po(
        '#~ # obsolete comment\n#~ #, fuzzy\n#~| msgctxt "pc"\n#~| msgid "old"\n'
        '#~ msgctxt "c"\n#~ msgid "a"\n#~ msgstr ""\n#~ "line1\\n"\n#~ "line2"\n'),
    "context-with-empty-msgid": _po('msgctxt ""\nmsgid ""\nmsgstr "k"\n'),
    "no-final-newline": _po('msgid "a"\nmsgstr "x"'),
    "escapes": _po('msgid "a\\a\\b\\f\\v\\t\\r\\n\\\\\\"\\047\\1"\nmsgstr "\\x01\x7f"\n'),
    "long-references": _po("#: " + " ".join(f"src/file{i}.c:{i}" for i in range(30))
                           + '\nmsgid "a"\nmsgstr "x"\n'),
    "string-after-blank-line-continues": _po('msgid "a"\nmsgstr "x"\n\n"y"\n'),
    "odd-references": _po('#: a.c:12 b.c: 13 c.c :14 d.c e.c:x f.c:0 g:h:5 :7 h.c:007\n'
                          '#:\ta.c:12\t\ti.c:2\nmsgid "a"\nmsgstr "x"\n'),
    "exclamation-flags-and-bad-range": _po('#! fuzzy\nmsgid "a"\nmsgstr "x"\n\n'
                                           '#, range: 5..1\nmsgid "b"\nmsgstr "x"\n'),
    "fuzzy-header": b'#, fuzzy\nmsgid ""\nmsgstr ""\n"Content-Type: text/plain; '
                    b'charset=UTF-8\\n"\n\nmsgid "a"\nmsgstr "x"\n',
    "other-hash-lines": _po('#=weird\n#~\n#|\nmsgid "a"\nmsgstr "x"\n'),
    "obsolete-plural": _po('#~ msgid "a"\n#~ msgid_plural "b"\n#~ msgstr[0] "x"\n'),
    "indented-lines": _po('\tmsgid "a"\n  msgstr "x"\n   "y"\n'),
    "previous-context-and-plural": _po('#| msgctxt "c"\n#| msgid "o"\n#| msgid_plural "os"\n'
                                       'msgctxt "c"\nmsgid "a"\nmsgid_plural "as"\n'
                                       'msgstr[0] "x"\nmsgstr[1] "y"\n'),
    "carriage-return-between-tokens": _po('msgid "a"\rmsgstr "x"\f\n'),
    "only-a-comment": b"# just a comment\n",
    "empty-file": b"",
    "only-a-bom": b"\xef\xbb\xbf",
    "header-charset-written-with-an-escape": _po('msgid "a"\nmsgstr "é"\n', _charset("\\x55TF-8")),
    # cases the mutation run found untested (tests/MUTATION.md)
    "two-strings-on-a-continuation-line": _po('msgid "a"\nmsgstr ""\n"x" "y"\n'),
    "flag-overridden-later-on-the-line": _po(
        '#, c-format, impossible-c-format, no-wrap, wrap, python-format, xyzpython-format\n'
        'msgid "a"\nmsgstr "x"\n'),
    "formats-in-gnu-order": _po('#, java-format, python-format, c-format\nmsgid "a"\n'
                                'msgstr "x"\n'),
    "range-at-end-and-single-value": _po('#, c-format, range:\nmsgid "a"\nmsgstr "x"\n\n'
                                         '#, range: 3..3\nmsgid "b"\nmsgstr "y"\n'),
    "comments-without-space": _po('#:a.c:1 b.c:2\n#,fuzzy,c-format\nmsgid "a"\nmsgstr "x"\n'),
    "references-with-lone-colons": _po('#: a.c: :5 a: 7 : 5 :6 b.c: : x\nmsgid "a"\nmsgstr "x"\n'),
    "raw-nul-in-strings": _po('msgid "a"\nmsgstr "x\0y\0z"\n'),
    "ascii-hex-escape-without-header": b'msgid "a"\nmsgstr "\\x41"\n',
    "previous-without-space": _po('#|msgid "o"\nmsgid "a"\nmsgstr "x"\n\n'
                                  '#~|msgid "p"\n#~ msgid "b"\n#~ msgstr "y"\n'),
    "latin1-header-naming-its-charset-twice": _charset("ISO-8859-1").replace(
        '\\n"', '\\nX-Note: was charset=ISO-8859-1\\n"').encode()
    + 'msgid "a"\nmsgstr "café"\n'.encode("latin-1"),
    "fuzzy-untranslated-with-format": _po('#, fuzzy, python-format\nmsgid "a %s"\nmsgstr ""\n'),
    "obsolete-entries-written-last": _po('#~ msgid "o"\n#~ msgstr "p"\n\nmsgid "a"\nmsgstr "x"\n'
                                         '\n#~ msgid ""\n#~ msgstr "q"\n\nmsgid "b"\nmsgstr "y"\n'),
    "multiline-strings": _po('msgid ""\n"one\\n"\n"two"\nmsgstr "een\\ntwee\\n"\n'),
    # Latin-1 whose bytes come close to UTF-8 but hold no valid multibyte sequence: "À" (C0,
    # never in UTF-8), "Â " (a lead byte without its continuation), "Straße" (DF 65), "é»"
    # (a three-byte lead with one continuation): read as Latin-1, as GNU reads them
    "latin1-bytes-that-are-not-utf8": _charset("ISO-8859-1").encode()
    + 'msgid "a"\nmsgstr "À la Â Straße é» x"\n'.encode("latin-1"),
    # CP1252 holding one valid UTF-8 pair ("É’" is C9 92, UTF-8 for "ɒ") among bytes that are
    # not UTF-8 ("été"): not UTF-8 as a whole, so read as CP1252, as GNU reads it
    "cp1252-bytes-with-one-utf8-like-pair": _charset("CP1252").encode()
    + 'msgid "a"\nmsgstr "CAFÉ’ et été"\n'.encode("cp1252"),
}
