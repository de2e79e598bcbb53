#!/usr/bin/env python3
"""Checks the interview question bank in this folder (one TOML file per track).

Usage: python3 check.py [FOLDER]   (defaults to the folder this script is in)

Standard library only (tomllib, Python 3.11+). Exits 1 and lists every problem
found if any rule is broken; otherwise prints a summary table and exits 0.
"""

import re
import sys
import tomllib
from collections import Counter
from pathlib import Path

TRACKS = {
    # slug: (label, id prefix)
    "general": ("General / behavioural", "gen"),
    "software_engineering": ("Software engineering", "swe"),
    "data_analytics": ("Data & analytics", "data"),
    "product_management": ("Product management", "pm"),
    "sales": ("Sales", "sales"),
    "customer_support": ("Customer support", "cs"),
    "healthcare_nursing": ("Healthcare & nursing", "nurse"),
    "teaching": ("Teaching & education", "teach"),
    "finance_accounting": ("Finance & accounting", "fin"),
    "graduate_internship": ("Graduate & internship", "grad"),
    "project_management": ("Project management", "proj"),
    "marketing": ("Marketing", "mkt"),
}

TOP_KEYS = {"slug", "label", "description", "keywords", "question"}
REQUIRED_Q = {"id", "text", "kind", "suggested_s", "points", "terms"}
FOLLOW_UPS = {"follow_up_action", "follow_up_result"}
KINDS = ["behavioural", "situational", "technical", "motivation", "closing"]

MIN_PER_TRACK = 22
MIN_TOTAL = 250
ID_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
ID_MAX = 48
POINT_MAX = 90
GENERIC_KEYWORDS = {
    "team", "work", "job", "role", "company", "experience", "skills", "good", "people",
    "responsible", "hard working", "hardworking", "staff", "career", "business", "the", "and",
}
# Upper-case words allowed in question texts (read aloud by speech synthesis).
SPOKEN_CAPS_OK = {"I", "URL", "A", "B"}
CLOSING_TEXT = "Do you have any questions for us?"

# The built-in bank that crates/core/src/questions.rs held before this folder existed
# (const BANK). Every text must survive, verbatim and with the same suggested time, in
# the track given here (the old CustomerSupport track held both support and sales).
LEGACY = [
    ("general", "Tell me about yourself.", 90),
    ("general", "Why do you want this job?", 90),
    ("general", "What is your greatest professional strength?", 90),
    ("general", "Tell me about a weakness you are working on.", 90),
    ("general", "Describe a time you disagreed with a colleague. How did you resolve it?", 120),
    ("general", "Tell me about a project you are proud of and your part in it.", 120),
    ("general", "Describe a time you failed. What did you learn?", 120),
    ("general", "Tell me about a time you had to meet a tight deadline.", 120),
    ("general", "How do you handle feedback you disagree with?", 90),
    ("general", "Describe a situation where you showed leadership without a formal title.", 120),
    ("general", "Where do you see yourself in five years?", 90),
    ("general", "Tell me about a time you had to learn something new quickly.", 120),
    ("general", "How do you prioritise when everything seems urgent?", 90),
    ("general", "Describe a time you made a mistake that affected others. What did you do?", 120),
    ("general", "What motivates you at work?", 90),
    ("general", "Do you have any questions for us?", 60),
    ("software_engineering", "Walk me through a system you designed. What trade-offs did you make?", 150),
    ("software_engineering", "Tell me about the hardest bug you have tracked down.", 120),
    ("software_engineering", "How would you design a URL shortener that serves a billion redirects a day?", 180),
    ("software_engineering", "How do you decide when code is ready to ship?", 90),
    ("software_engineering", "Explain the difference between a process and a thread to a new team member.", 90),
    ("software_engineering", "How do you review a colleague's pull request?", 90),
    ("software_engineering", "Describe a time you improved the performance of a system. How did you measure it?", 120),
    ("software_engineering", "What happens, step by step, when you type a web address into a browser and press enter?", 150),
    ("software_engineering", "How would you approach a legacy code base with no tests?", 120),
    ("software_engineering", "Tell me about a technical decision you would make differently today.", 120),
    ("software_engineering", "How do you keep a service reliable when its dependencies fail?", 120),
    ("software_engineering", "Explain a data structure you used recently and why you chose it.", 90),
    ("software_engineering", "How do you estimate how long a piece of work will take?", 90),
    ("software_engineering", "Describe how you would test a feature that depends on time and network conditions.", 120),
    ("software_engineering", "Tell me about a time you had to explain a technical problem to a non-technical person.", 120),
    ("software_engineering", "How do you handle secrets and personal data in the systems you build?", 90),
    ("customer_support", "Tell me about a time you turned an unhappy customer around.", 120),
    ("customer_support", "How do you handle a customer who is angry about something you cannot change?", 120),
    ("sales", "Sell me this pen.", 90),
    ("sales", "How do you handle rejection in sales?", 90),
    ("sales", "Describe how you prepare for a call with a new prospect.", 90),
    ("customer_support", "Tell me about a time you went beyond what the customer expected.", 120),
    ("customer_support", "How do you prioritise a queue of support requests?", 90),
    ("customer_support", "A customer asks for a refund outside the policy. What do you do?", 90),
    ("customer_support", "How do you explain a complex product to someone who has never used it?", 90),
    ("sales", "Tell me about a target you missed and what you did next.", 120),
    ("customer_support", "How do you keep your composure on a difficult day?", 90),
    ("customer_support", "Describe a time you learned something from customer feedback and passed it on.", 120),
    ("sales", "How do you build a long-term relationship with a client?", 90),
    ("sales", "What would you do in your first month in this role?", 90),
]
OLD_TRACK = {"G": "general", "SE": "software_engineering", "CS": ("sales", "customer_support")}


def read_rust_bank(root: Path):
    """(old track code, text, suggested_s) from `const BANK` in questions.rs, or None."""
    rs = root.parent / "src" / "questions.rs"
    if not rs.is_file():
        return None
    src = rs.read_text(encoding="utf-8")
    start = src.find("pub const BANK")
    if start < 0:
        return None
    end = src.find("];", start)
    body = src[start:end]
    pat = re.compile(r'q\(\s*(G|SE|CS)\s*,\s*"((?:[^"\\]|\\.)*)"\s*,\s*(\d+)\s*,?\s*\)', re.S)
    return [(m[1], m[2].replace('\\"', '"'), int(m[3])) for m in pat.finditer(body)]


def norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def main() -> int:
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent
    errors: list[str] = []
    warnings: list[str] = []
    err = errors.append

    files = sorted(root.glob("*.toml"))
    found = {f.stem for f in files}
    for slug in sorted(set(TRACKS) - found):
        err(f"missing track file {slug}.toml")
    for slug in sorted(found - set(TRACKS)):
        err(f"{slug}.toml: not one of the known tracks")

    ids: dict[str, str] = {}
    texts: dict[str, str] = {}
    normed: dict[str, str] = {}
    by_track: dict[str, list[dict]] = {}

    for f in files:
        where = f.name
        try:
            data = tomllib.loads(f.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
            err(f"{where}: does not parse: {e}")
            continue
        slug = f.stem
        if slug not in TRACKS:
            continue
        label, prefix = TRACKS[slug]

        for k in sorted(set(data) - TOP_KEYS):
            err(f"{where}: unknown top-level key {k!r}")
        for k in sorted(TOP_KEYS - set(data)):
            err(f"{where}: missing top-level key {k!r}")
        if data.get("slug") != slug:
            err(f"{where}: slug {data.get('slug')!r} does not match the file name")
        if data.get("label") != label:
            err(f"{where}: label {data.get('label')!r}, expected {label!r}")
        desc = data.get("description")
        if not isinstance(desc, str) or not desc.strip() or "\n" in desc:
            err(f"{where}: description must be one non-empty line")

        kws = data.get("keywords")
        if not isinstance(kws, list) or not all(isinstance(k, str) for k in kws):
            err(f"{where}: keywords must be a list of strings")
        else:
            if not 20 <= len(kws) <= 40:
                err(f"{where}: {len(kws)} keywords, need 20-40")
            for k in kws:
                if not k.strip() or k != k.lower() or k != k.strip():
                    err(f"{where}: keyword {k!r} must be lowercase, trimmed, non-empty")
                if k in GENERIC_KEYWORDS:
                    err(f"{where}: keyword {k!r} is too generic to match a posting")
                if len(k.split()) > 4:
                    err(f"{where}: keyword {k!r} is more than a short phrase")
            for k, n in Counter(kws).items():
                if n > 1:
                    err(f"{where}: keyword {k!r} repeated")

        qs = data.get("question")
        if not isinstance(qs, list) or not all(isinstance(q, dict) for q in qs):
            err(f"{where}: needs [[question]] tables")
            continue
        by_track[slug] = qs

        for i, q in enumerate(qs, 1):
            qid = q.get("id")
            at = f"{where} #{i} ({qid})"
            keys = set(q)
            for k in sorted(keys - REQUIRED_Q - FOLLOW_UPS):
                err(f"{at}: unknown key {k!r}")
            for k in sorted(REQUIRED_Q - keys):
                err(f"{at}: missing key {k!r}")

            # id
            if not isinstance(qid, str) or not ID_RE.match(qid) or len(qid) > ID_MAX:
                err(f"{at}: id must be kebab-case [a-z0-9-], at most {ID_MAX} characters")
            elif not qid.startswith(prefix + "-"):
                err(f"{at}: id must start with {prefix!r}-")
            elif qid in ids:
                err(f"{at}: id also used in {ids[qid]}")
            else:
                ids[qid] = where

            # text
            text = q.get("text")
            if not isinstance(text, str) or not text.strip():
                err(f"{at}: text must be a non-empty string")
                text = ""
            else:
                if text != text.strip() or "\n" in text:
                    err(f"{at}: text must be one trimmed line")
                if not text.endswith(("?", ".")):
                    err(f"{at}: text must end with ? or .")
                if re.search(r"[()\[\]{}<>/&*_#@%\\]", text):
                    err(f"{at}: text has a bracket or symbol speech synthesis may mangle")
                if re.search(r"\b(e\.g|i\.e|etc|vs)\b", text, re.I):
                    err(f"{at}: text has an abbreviation")
                for w in re.findall(r"\b[A-Z]{2,}\b", text):
                    if w not in SPOKEN_CAPS_OK:
                        err(f"{at}: text has the abbreviation {w!r}")
                low = text.lower()
                if low in texts:
                    err(f"{at}: text duplicates one in {texts[low]}")
                elif norm(text) in normed:
                    err(f"{at}: text nearly duplicates one in {normed[norm(text)]}")
                texts[low] = where
                normed[norm(text)] = where

            # kind and follow-ups
            kind = q.get("kind")
            if kind not in KINDS:
                err(f"{at}: kind {kind!r} not one of {KINDS}")
            has = keys & FOLLOW_UPS
            if kind == "behavioural":
                for k in sorted(FOLLOW_UPS - has):
                    err(f"{at}: behavioural question needs {k}")
            elif has:
                err(f"{at}: follow-ups are only for behavioural questions, not {kind}")
            for k in sorted(has):
                v = q[k]
                if not isinstance(v, str) or not v.strip().endswith("?") or len(v) > 160:
                    err(f"{at}: {k} must be one spoken question ending with ?, 160 chars max")

            # suggested time
            s = q.get("suggested_s")
            if not isinstance(s, int) or isinstance(s, bool) or not 60 <= s <= 240 or s % 15:
                err(f"{at}: suggested_s {s!r} must be 60-240 and a multiple of 15")

            # talking points
            pts = q.get("points")
            if not isinstance(pts, list) or not all(isinstance(p, str) for p in pts):
                err(f"{at}: points must be a list of strings")
            else:
                if not 3 <= len(pts) <= 5:
                    err(f"{at}: {len(pts)} points, need 3-5")
                for p in pts:
                    if not p.strip() or "\n" in p:
                        err(f"{at}: empty or multi-line point")
                    if len(p) > POINT_MAX:
                        err(f"{at}: point over {POINT_MAX} chars ({len(p)}): {p!r}")
                if len(set(pts)) != len(pts):
                    err(f"{at}: repeated point")

            # terms
            terms = q.get("terms")
            if not isinstance(terms, list) or not all(isinstance(t, str) for t in terms):
                err(f"{at}: terms must be a list of strings")
            else:
                if not 4 <= len(terms) <= 10:
                    err(f"{at}: {len(terms)} terms, need 4-10")
                for t in terms:
                    if not t.strip() or t != t.lower() or t != t.strip():
                        err(f"{at}: term {t!r} must be lowercase, trimmed, non-empty")
                    if len(t.split()) > 4:
                        err(f"{at}: term {t!r} is more than a short phrase")
                if len(set(terms)) != len(terms):
                    err(f"{at}: repeated term")

    # Counts and closing questions.
    total = sum(len(v) for v in by_track.values())
    for slug, qs in by_track.items():
        if len(qs) < MIN_PER_TRACK:
            err(f"{slug}: {len(qs)} questions, need at least {MIN_PER_TRACK}")
        closing = [q for q in qs if q.get("kind") == "closing"]
        if slug == "general":
            if len(closing) != 1 or closing[0].get("text") != CLOSING_TEXT:
                err(f"general: needs exactly one closing question, {CLOSING_TEXT!r}")
        elif len(closing) > 1:
            err(f"{slug}: more than one closing question")
        kinds = Counter(q.get("kind") for q in qs)
        share = kinds["behavioural"] / max(len(qs), 1)
        if not 0.3 <= share <= 0.55:
            warnings.append(f"{slug}: behavioural share {share:.0%}, aim for about 40%")
        for kind in ("situational", "motivation"):
            if kinds[kind] == 0:
                warnings.append(f"{slug}: no {kind} questions")
    if total < MIN_TOTAL:
        err(f"{total} questions in all, need at least {MIN_TOTAL}")

    # The old built-in bank must survive.
    placed = {}
    for slug, qs in by_track.items():
        for q in qs:
            if isinstance(q.get("text"), str):
                placed[q["text"]] = (slug, q.get("suggested_s"))
    for track, text, secs in LEGACY:
        if text not in placed:
            err(f"old bank question missing (verbatim): {text!r}")
        elif placed[text] != (track, secs):
            err(f"old bank question {text!r}: in {placed[text]}, expected ({track!r}, {secs})")
    rust = read_rust_bank(root)
    if rust is None:
        warnings.append("questions.rs has no const BANK any more; checked the frozen copy only")
    else:
        legacy_texts = {t for _, t, _ in LEGACY}
        for code, text, secs in rust:
            want = OLD_TRACK[code]
            want = want if isinstance(want, tuple) else (want,)
            if text not in placed:
                err(f"questions.rs BANK question missing (verbatim): {text!r}")
            elif placed[text][0] not in want or placed[text][1] != secs:
                err(f"questions.rs BANK question {text!r}: in {placed[text]}, expected {want} and {secs} s")
            if text not in legacy_texts:
                warnings.append(f"questions.rs BANK has a question the frozen copy lacks: {text!r}")

    # Summary table.
    width = max(len(s) for s in TRACKS) + 2
    head = f"{'track':<{width}}{'total':>6}" + "".join(f"{k[:5]:>7}" for k in KINDS)
    print(head)
    print("-" * len(head))
    totals = Counter()
    for slug in TRACKS:
        qs = by_track.get(slug, [])
        kinds = Counter(q.get("kind") for q in qs)
        totals.update(kinds)
        print(f"{slug:<{width}}{len(qs):>6}" + "".join(f"{kinds[k]:>7}" for k in KINDS))
    print("-" * len(head))
    print(f"{'all':<{width}}{total:>6}" + "".join(f"{totals[k]:>7}" for k in KINDS))
    print(f"{'share':<{width}}{'':>6}" + "".join(f"{totals[k] / max(total, 1):>7.0%}" for k in KINDS))
    print(f"\n{len(ids)} unique ids, {len(texts)} unique texts, {len(LEGACY)} old bank questions kept")

    for w in warnings:
        print(f"warning: {w}")
    if errors:
        print(f"\n{len(errors)} problem(s):", file=sys.stderr)
        for e in errors:
            print(f"  {e}", file=sys.stderr)
        return 1
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
