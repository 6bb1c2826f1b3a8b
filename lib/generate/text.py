"""Reading notes: words, sentences and what each note is for. Pure Python, deterministic (`analysis` reads
keyphrases and the subject from what this module splits).

Everything returned points back into the user's own text: units are verbatim
pieces of the input (whitespace collapsed), phrases are verbatim spans. Each unit
is also classified (prose, a fact to check, an internal note, a heading, a brief
for the writer) and carries `prose`: the same sentence with note shorthand
spelled out and internal asides removed, the only form that may be published.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

STOPWORDS = frozenset(
    """a about above after again against all also am an and any are aren't as at be because been before being
    below between both but by can can't cannot could couldn't did didn't do does doesn't doing don't done down
    during each either else ever every few for from further get gets getting got had hadn't has hasn't have
    haven't having he her here hers herself him himself his how however i i'd i'll i'm i've if in into is isn't
    it it's its itself just let let's lot lots maybe me might mine more most much must my myself need needs no
    nor not now of off often on once one only or other others our ours ourselves out over own per perhaps
    probably quite rather really same she should shouldn't so some something still such than that that's the
    their theirs them themselves then there there's these they they're thing things think this those though
    through thus to too under until up us very via want wants was wasn't we we're we've well were weren't what
    what's when where which while who whom whose why will with without won't would wouldn't yet you you'd
    you'll you're you've your yours yourself yourselves actually basically kind sort stuff etc eg ie vs also
    like just gonna gotta kinda anyway anything everything someone somebody todo tbd idea ideas note notes
    el la los las de del y en que un una por para con es se al lo como más pero sus le les des du et est pas
    qui dans sur au aux ce cette il elle der die das und ist nicht ein eine zu mit auf für von den dem im
    o os as um uma do da dos das em não é
    go goes going gone went come comes came coming gets gave given give gives makes made making take takes took
    taken say says said see saw seen know knew known feel felt try tried keep kept put show showed find found
    look looked use used using start started tell told mean meant seem seems seemed become became according
    verify tbc fixme around approximately roughly nobody everybody anybody everyone anyone none nothing re fwd fw cc bcc
    already always almost even soon sometimes usually
    في من على إلى عن مع أن إن لا ما هذا هذه ذلك لذلك يجب كان كانت التي الذي هو هي هم نحن أو ثم قد كل بعض عند حتى بين
    של את על עם אני הוא היא הם אנחנו זה זו לא כן גם או אבל כי אם מה מי בין לפני אחרי שלנו צריך שהם""".split()
)
# Words too general to name a theme alone; they may still sit inside a phrase ("new hire").
GENERIC = frozenset(
    """able area back best better big bit case come day days end every fact feel find first give go going good
    great help high keep know last level long look low made make makes making mean means month months new next
    number one part people person place point put real right said say see short show small start sure take
    takes three time times today tomorrow true try two type use used using way ways week weeks whole work
    works year years yesterday hour hours minute minutes second seconds""".split()
)
# Verbs that are rarely nouns: they break a keyphrase (a theme is named by a noun phrase, never "ask" or "beat").
VERBS = frozenset(
    """accept add agree allow appear approve arrive ask avoid beat begin believe belong bring buy caught choose
    clean decide deliver describe ensure expect explain fail fails forget forward gave grow happen hate hear
    heard hurt ignore improve include inflate join learn leave lose meet mention miss move notice prefer prove
    read realise realize receive reduce refer remember remove repeat require seem sell send serve skip spend
    stay suggest teach tell thank think throw understand win wonder worry write wrote build matter publish
    written spoken taken given done gone shown seen chosen broken driven forgotten stolen thrown grown drawn
    flown sworn begun""".split()  # irregular past participles too: "written down" names nothing
)
# Adjectives that end no topic ("local", "late"): a phrase that names a theme ends on a noun.
ADJECTIVES = frozenset(
    """bad big busy cheap clear clever early easy fast fine free full global good hard huge late live local
    long low main major minor old plain quick ready simple slow small specific strong sure tiny top weak
    wrong remote async senior junior internal external public private personal technical visual annual monthly
    weekly daily digital online stale visible real extra hidden different same whole able best better first great
    high last new next right short true""".split()
)
NUMBER_WORDS = frozenset(
    """two three four five six seven eight nine ten eleven twelve fifteen twenty thirty forty fifty hundred
    thousand million billion dozen half once twice""".split()
)
# Words after which a word is a noun ("each issue", "the reader"): a single word names a theme only as a noun.
DETERMINERS = frozenset("""the a an this that these those each every our your their my his her its one per some any
    no which whose another either neither""".split())
# Determiners that open an object: a word between a noun and one of them is a verb ("standups cost each engineer").
OBJECT_DETERMINERS = frozenset("a an the this these those each every some any another our your their my his its".split())
# Times a determiner or number opens after a noun without a verb ("four hours a week", "one email every two weeks").
TIME_WORDS = frozenset("""day days week weeks month months year years hour hours minute minutes quarter quarters time
    times night nights morning mornings evening evenings weekend weekends sprint sprints""".split())
# Meta words of a brain dump that are still part of a name when capitalised ("Field Notes").
META_WORDS = frozenset("note notes idea ideas".split())
LENGTH_BONUS = {1: 0.8, 2: 1.3, 3: 1.25, 4: 0.95}
ABBREVIATIONS = frozenset("e.g i.e etc vs mr mrs ms dr prof st no approx ca cf fig inc ltd jr sr".split())

_MARKS = "\u0300-\u036f\u0483-\u0489\u0591-\u05c7\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0900-\u0963\u0966-\u0dff\u0e00-\u0e7f\u1000-\u109f\u3099\u309a"
WORD_RE = re.compile(rf"(?:[^\W_]|[{_MARKS}])+(?:['’\-](?:[^\W_]|[{_MARKS}])+)*")
URL_RE = re.compile(r"https?://[^\s<>()\"']+[^\s<>()\"'.,;:!?]")
EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
HTML_RE = re.compile(r"<\s*(script|style)\b.*?(?:<\s*/\s*\1\s*>|$)|<\s*/?\s*[a-zA-Z][\w-]*(?:\s[^<>]*)?/?\s*>", re.I | re.S)
_NOSPACE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u0e00-\u0e7f]")
_PARTICLES = re.compile(r"[的了是在和与及或也都就把被对从向为以而但又很のはがをにでともへやか]+")
_BULLET = re.compile(r"^\s*(?:#{1,6}|[-*•·–—>+]+|\d{1,3}[.)]|\[[ xX]?\])\s+")
_END = re.compile(r"([.!?…]+[\"'”’)\]»]*)(?=\s+\S)|[。！？؟।॥]+[\"'”’」』)\]]*")
_CLAUSE = re.compile(r"(?<=[,;:])\s+|(?<=[，；：、])\s*|\s+[—–]\s+")
MAX_UNIT_WORDS = 40

_UNITS = (
    r"percent|per cent|million|billion|thousand|k|x|times|seconds?|min|mins|minutes?|hrs?|hours?|days?|weeks?|months?|years?|"
    r"people|users|customers|employees|hires|companies|teams|respondents|visitors|signups|sales"
)
FACT_RE = re.compile(
    rf"\d+(?:[.,]\d+)?\s?%|[$€£¥₹]\s?\d|~\s?\d|(?<![\w.:/-])\d+(?:[.,]\d+)?\s?(?:{_UNITS})\b|"
    r"\b\d+\s+(?:of|out of|in)\s+(?:the\s+)?(?:last\s+)?\d+\b|(?<![\w.:/-])(?:19|20)\d{2}(?![\w.:/-])|"
    r"\b(?:survey|surveys|study|studies|report|reports|stat|stats|statistics?|according to|research shows|data shows)\b",
    re.IGNORECASE,
)
CONTRAST_RE = re.compile(
    r"(?:^|[,;:—–(]\s*|\s-\s)(?:but|yet)\b|"
    r"\b(?:however|although|though|whereas|despite|unless|instead|myth|overrated|downside|downsides|risk|risks|"
    r"wrong|fails?|failed|careful|counterpoint|hate|hates|on the other hand|doesn't|don't|isn't|aren't|won't|can't|never)\b",
    re.IGNORECASE,
)
QUESTION_RE = re.compile(r"[?？؟]\s*[\"'”’)\]]*$")


@dataclass(frozen=True)
class Token:
    text: str
    norm: str
    start: int
    end: int


# What a unit of the notes is for. Only PROSE is ever published; CHECK units are facts the writer must check
# (listed in Research, kept out of drafts and posts); INTERNAL ones are tasks, e-mails, names and code;
# HEADING and BRIEF lines say what the notes are about and for whom.
PROSE, CHECK, INTERNAL, HEADING, BRIEF = "prose", "check", "internal", "heading", "brief"
PUBLIC_KINDS = (PROSE, CHECK)


@dataclass
class Unit:
    """A sentence (or clause of a long one), verbatim from the input, with its kind and publishable form."""

    index: int
    text: str
    line: int
    tokens: list[Token] = field(default_factory=list)
    terms: frozenset[str] = frozenset()
    kind: str = PROSE
    prose: str = ""

    @property
    def is_question(self) -> bool:
        return bool(QUESTION_RE.search(self.text))

    @property
    def read(self) -> str:
        """The text its tokens point into: the note in its tidy form (markers, e-mails and code left out)."""
        return self.prose or self.text


@dataclass
class Phrase:
    key: tuple[str, ...]
    displays: Counter = field(default_factory=Counter)
    units: set[int] = field(default_factory=set)
    count: int = 0
    first: int = 0
    score: float = 0.0

    @property
    def display(self) -> str:
        best = max(self.displays.items(), key=lambda kv: (kv[1], kv[0].islower(), -len(kv[0])))
        return best[0]


def collapse(text: str) -> str:
    return " ".join(text.split())


def normalise(word: str) -> str:
    """The key of a word: case-folded, plural and -ing/-ed endings removed ("Schedules", "scheduling": "schedul")."""
    word = word.casefold().replace("’", "'")
    if word.isascii() and word.replace("'", "").replace("-", "").isalpha():
        if word.endswith("'s"):
            word = word[:-2]
        if len(word) > 4 and word.endswith("ies"):
            word = word[:-3] + "y"
        elif len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
            word = word[:-1]
        if "-" not in word:
            word = _stem(word)
    return word


def _stem(word: str) -> str:
    for suffix in ("ing", "ed"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            word = word[: -len(suffix)]
            if word[-1] == word[-2] and word[-1] not in "lsz":
                word = word[:-1]  # planned, shipping
            break
    if len(word) > 4 and word.endswith("e") and not word.endswith(("ee", "ie")):
        word = word[:-1]
    return word


STOP_KEYS = STOPWORDS | {normalise(w) for w in STOPWORDS}
GENERIC_KEYS = GENERIC | {normalise(w) for w in GENERIC}
VERB_KEYS = VERBS | {normalise(w) for w in VERBS}
ADJECTIVE_KEYS = ADJECTIVES | {normalise(w) for w in ADJECTIVES}
TIME_KEYS = TIME_WORDS | {normalise(w) for w in TIME_WORDS}


def _split_nospace(text: str, start: int) -> list[Token]:
    """Cut a run of a script without spaces (CJK, Thai) at particles, then into short pieces."""
    tokens, pos = [], 0
    for piece in _PARTICLES.split(text) + [""]:
        if not piece:
            continue
        offset = text.index(piece, pos)
        pos = offset + len(piece)
        size = 4 if len(piece) > 6 else len(piece)
        for i in range(0, len(piece), size):
            chunk = piece[i : i + size]
            if len(chunk) >= 2:
                tokens.append(Token(chunk, chunk.casefold(), start + offset + i, start + offset + i + len(chunk)))
    return tokens


def _blank(match: re.Match) -> str:
    return " " * len(match.group(0))


def tokenize(text: str) -> list[Token]:
    """Words of `text` with their positions; links, e-mail addresses and HTML tags are not words."""
    masked = HTML_RE.sub(_blank, EMAIL_RE.sub(_blank, URL_RE.sub(_blank, text)))
    tokens: list[Token] = []
    for match in WORD_RE.finditer(masked):
        word = match.group(0)
        if _NOSPACE.search(word):
            tokens.extend(_split_nospace(word, match.start()))
        else:
            tokens.append(Token(word, normalise(word), match.start(), match.end()))
    return tokens


def is_content(token: Token) -> bool:
    if token.norm in STOP_KEYS or token.norm.isdigit():
        return False
    return len(token.norm) >= 2 or bool(_NOSPACE.search(token.norm))


def terms_of(tokens: list[Token]) -> frozenset[str]:
    """Similarity features: content words that are not generic, plus bigrams of unspaced scripts."""
    terms = set()
    for token in tokens:
        if is_content(token) and token.norm not in GENERIC_KEYS:
            terms.add(token.norm)
            if _NOSPACE.search(token.norm) and len(token.norm) > 2:
                terms.update(token.norm[i : i + 2] for i in range(len(token.norm) - 1))
    return frozenset(terms)


def _size(text: str) -> int:
    return max(len(text.split()), len(_NOSPACE.findall(text)) // 2)


def _split_line(line: str) -> list[str]:
    pieces, start = [], 0
    for match in _END.finditer(line):
        piece = line[start : match.start()]
        if piece.count("(") > piece.count(")"):
            continue  # never inside a parenthesis: "(e.g. a checklist)"
        if match.group(1):
            before = piece.split()
            last = before[-1].casefold().lstrip("([{\"'“‘").rstrip(".") if before else ""
            if match.group(1)[0] in ".…" and (last in ABBREVIATIONS or (len(last) == 1 and last.isalpha())):
                continue
            if line[match.end() :].lstrip()[:1].islower() or line[match.end() :].lstrip()[:1] == "(":
                continue  # "… productive?? (heard it at a conference, need source)" is one sentence
        pieces.append(line[start : match.end()])
        start = match.end()
    pieces.append(line[start:])
    return [p.strip() for p in pieces if p.strip()]


def split_sentences(text: str) -> list[str]:
    """Sentences of one line of text (no newlines expected)."""
    return _split_line(collapse(text))


def _split_long(sentence: str) -> list[str]:
    """Keep units readable: cut sentences over MAX_UNIT_WORDS at clause marks, then by size."""
    if _size(sentence) <= MAX_UNIT_WORDS:
        return [sentence]
    chunks, current = [], ""
    for clause in (c for c in _CLAUSE.split(sentence) if c.strip()):
        candidate = f"{current} {clause}".strip() if current else clause
        if current and _size(candidate) > MAX_UNIT_WORDS:
            chunks.append(current)
            candidate = clause
        current = candidate
    if current:
        chunks.append(current)
    out = []
    for chunk in chunks:
        words = chunk.split()
        if _size(chunk) <= MAX_UNIT_WORDS:
            out.append(chunk)
        elif len(words) > MAX_UNIT_WORDS:
            out.extend(" ".join(words[i : i + 30]) for i in range(0, len(words), 30))
        else:  # one long run without spaces
            out.extend(chunk[i : i + 60] for i in range(0, len(chunk), 60))
    return out


# --- what a note is for ----------------------------------------------------------

_INTERNAL_LINE = re.compile(r"^\W*(?:todo|to-do|fixme|tbd|tbc|wip|internal|note to self|reminder|nb)\b", re.I)
_INTERNAL = re.compile(
    r"\b(?:todo|fixme|tbd)\b|\breply to this (?:e-?mail|message|newsletter)\b|\bnote to self\b|\bnot for publication\b"
    r"|\bdon'?t publish\b|\bremove before\b|\bdecide by\b|\bfollow up with\b|\bskip\?"
    r"|^maybe\b[^.!]*\?$|^test (?:against|vs\.?|versus)\b"  # hedges: "Maybe too cute?", "Test against X"
    r"|\b(?:name|title|tagline|slogan) (?:alternatives|options|candidates)\b|\bis winning\b", re.I)  # team choices
_NAMED_ACTION = re.compile(r"\b(?i:ping|e-?mail|ask|remind|cc|slack|message|call|loop in|check with|talk to)\s+@?([A-Z][a-z]+)\b")
_NAME_SAYS = re.compile(
    r"^([A-Z][a-z]+)\s+(?:thinks|said|says|wants|suggested|suggests|mentioned|reckons|feels|prefers|asked|believes|proposed)\b")
_CHECK_LINE = re.compile(r"^\W*(?:verify|fact[- ]?check|check|confirm)\s*(?::|\s[-–—]+)\s*", re.I)
_CHECK_WORD = re.compile(r"\bverify\b|\bneeds? (?:a )?source\b|\bcitation needed\b|\bunverified\b|\bfact[- ]?check\b", re.I)
_CHECK_ASIDE = re.compile(
    r"\s*\((?:[^()]*?\b(?:verify|needs? (?:a )?source|source\?|citation needed|not sure|unverified|fact[- ]?check|"
    r"double[- ]check|check)\b[^()]*)\)", re.I)
_NOTE_ASIDE = re.compile(r"\s*\((?:[^()]*?\b(?:use (?:as|for|in)|internal|tbd|todo|placeholder)\b[^()]*)\)", re.I)
_TASK_CLAUSE = re.compile(
    r"(?:\s*[,;]|\s+[—–-]+)\s*(?:(?:we |I )?(?:still )?needs? to |must |should |pls |please |let'?s )?"
    r"(check|verify|confirm|double-check|decide|ask|ping|follow up)\b[^,;—–]*?(?=[.!?]*$)", re.I)
_BRIEF = re.compile(
    r"^\W*(?:audience|tone|format|channel|deadline|due|owner|status|length|word count|cta|keywords?|hashtags?|"
    r"persona|voice|target)\s*[:=]", re.I)
_LABEL = re.compile(
    r"^(?:idea|ideas|note|notes|maybe(?: a post)?|thought|random thought|fyi|nb|counterpoint|possible [\w-]+(?: [\w-]+)?)"
    r"\s*(?::|\s[-–—]+)\s*", re.I)
_SHORTHAND = [
    (re.compile(r"\s+=\s+"), " is "),
    (re.compile(r"\s+>{1,2}\s+"), " beat "),
    (re.compile(r"\s+[+&]\s+"), " and "),
    (re.compile(r"\bw/\s*(?=\w)"), "with "),
    (re.compile(r"\bb/c\b"), "because"),
    (re.compile(r"\btho\b"), "though"),
    (re.compile(r"\bthru\b"), "through"),
    (re.compile(r"\bppl\b"), "people"),
    (re.compile(r"~\s?(?=\d)"), "about "),
    (re.compile(r"\s+-{1,2}\s+"), " — "),
    (re.compile(r"!{2,}"), "!"),
    (re.compile(r"\?[?!]+"), "?"),
    (re.compile(r"\s*←.*$"), ""),
    (re.compile(r"\(\s*\)"), ""),
]
_STOP_CHARS = ".!?…。！？؟।"
_AFTER_STOP = re.compile(r"(\S*[.!?])\s+([a-z])")
_UNSPACED_END = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]$")


def ends_sentence(text: str) -> bool:
    """Whether `text` ends on a sentence stop (closing quotes and brackets after it allowed)."""
    return text.rstrip().rstrip("\"'”’)]}»」』*_").endswith(tuple(_STOP_CHARS))


def tidy(text: str) -> str:
    """The publishable form of one note: asides for the writer removed, shorthand spelled out, a capital, a stop."""
    out = HTML_RE.sub(" ", EMAIL_RE.sub(" ", text))
    out = _CHECK_LINE.sub("", _INTERNAL_LINE.sub("", out).lstrip(" :-–—"))
    out = _NOTE_ASIDE.sub("", _CHECK_ASIDE.sub("", out))
    out = _TASK_CLAUSE.sub("", out)
    out = _LABEL.sub("", collapse(out))
    for pattern, replacement in _SHORTHAND:
        out = pattern.sub(replacement, out)
    out = collapse(out).strip(" ,;:—–-")
    if not WORD_RE.search(out):
        return ""
    first = out.split(" ")[0]
    if out[:1].islower() and not any(ch.isupper() or ch in "/@" for ch in first):  # not "iPhone", not a path
        out = out[0].upper() + out[1:]
    out = _AFTER_STOP.sub(_capital_after_stop, out)
    if not ends_sentence(out):
        out += "。" if _UNSPACED_END.search(out) else "."
    return out


def _capital_after_stop(match: re.Match) -> str:
    word = match.group(1).casefold().lstrip("([{\"'“‘").rstrip(".!?")
    if word in ABBREVIATIONS or len(word) == 1:
        return match.group(0)
    return f"{match.group(1)} {match.group(2).upper()}"


def _line_kind(line: str, first: bool, many_lines: bool) -> str | None:
    """The kind a whole line gives its sentences, if any."""
    if HTML_RE.search(line) or _INTERNAL_LINE.match(line):
        return INTERNAL
    if _BRIEF.match(line):
        return BRIEF
    if _CHECK_LINE.match(line):
        return CHECK
    words = len(line.split())
    if many_lines and ((first and not ends_sentence(line) and words <= 18 and len(_split_line(line)) == 1)
                       or (line.endswith(":") and words <= 6)):
        return HEADING
    return None


def _sentence_kind(piece: str, line_kind: str | None, lower_words: set[str]) -> str:
    if line_kind in (INTERNAL, BRIEF, HEADING):
        return line_kind
    task = _TASK_CLAUSE.search(piece)
    rest = piece[: task.start()] + piece[task.end() :] if task else piece
    if _INTERNAL.search(rest) or EMAIL_RE.search(rest):
        return INTERNAL
    for pattern in (_NAMED_ACTION, _NAME_SAYS):
        match = pattern.search(rest)
        if match and match.group(1).casefold() not in lower_words | STOPWORDS:
            return INTERNAL  # a colleague's name: who does what, or who thinks what, is not for readers
    if not tidy(piece) or re.match(r"(?i)needs? \w+(?: \w+)?[.!]?$", piece):
        return INTERNAL  # nothing left to publish, or a to-do of two words ("Need intros.")
    checked = task is not None and task.group(1).casefold() in ("check", "verify", "confirm", "double-check")
    if line_kind == CHECK or checked or _CHECK_ASIDE.search(piece) or _CHECK_WORD.search(piece):
        return CHECK
    return PROSE


def kind_of(text: str, lower_words: set[str] = frozenset()) -> str:
    """The kind of one sentence read on its own (PROSE when it may be published)."""
    return _sentence_kind(collapse(text), _line_kind(collapse(text), False, False), lower_words)


def lowercase_words(text: str) -> set[str]:
    """Words the text writes in lower case somewhere (a capitalised word never seen so is a name)."""
    masked = EMAIL_RE.sub(" ", URL_RE.sub(" ", text))
    return {m.group(0) for m in WORD_RE.finditer(masked) if m.group(0).islower()}


def split_units(text: str, *, clauses_if_few: bool = True) -> list[Unit]:
    """Sentences of the input, one unit each, duplicates dropped; clauses when there are very few."""
    raw: list[tuple[str, int, str | None]] = []
    lines = [(n, _BULLET.sub("", line)) for n, line in enumerate(text.splitlines())]
    lines = [(n, collapse(line)) for n, line in lines if line.strip()]
    for position, (line_no, line) in enumerate(lines):
        kind = _line_kind(line, position == 0, len(lines) >= 3)
        for sentence in _split_line(line):
            raw.extend((piece, line_no, kind) for piece in _split_long(sentence))
    if clauses_if_few and len(raw) < 3:
        finer = [(c.strip(), ln, k) for s, ln, k in raw for c in _CLAUSE.split(s) if c and c.strip()]
        if len(finer) > len(raw):
            raw = finer
    lower_words = lowercase_words(text)
    units, seen = [], set()
    for piece, line_no, line_kind in raw:
        key = piece.casefold()
        if key in seen:
            continue
        seen.add(key)
        kind = _sentence_kind(piece, line_kind, lower_words)
        prose = tidy(piece)
        tokens = tokenize(prose or piece)
        units.append(Unit(len(units), piece, line_no, tokens, terms_of(tokens), kind, prose))
    return units


SCRIPT_ALIASES = {"HIRAGANA": "KANA", "KATAKANA": "KANA", "KATAKANA-HIRAGANA": "KANA", "HALFWIDTH": "KANA",
                  "CJK": "HAN", "FULLWIDTH": "LATIN"}


def scripts_of(text: str) -> set[str]:
    """The writing systems of the letters in `text` ("LATIN", "ARABIC", "HEBREW", "HAN", "KANA", ...)."""
    found = set()
    for ch in set(text):
        if ch.isalpha():
            name = unicodedata.name(ch, "")
            if name:
                script = name.split(" ")[0]
                found.add(SCRIPT_ALIASES.get(script, script))
    found.discard("MODIFIER")
    return found


def urls_in(text: str) -> list[str]:
    return list(dict.fromkeys(URL_RE.findall(text)))


def shorten(text: str, max_words: int = 30, max_chars: int = 220) -> str:
    """A prefix of `text` (whitespace collapsed) of at most max_words / max_chars, marked with … when cut."""
    text = collapse(text)
    words = text.split(" ")
    cut = " ".join(words[:max_words])
    if len(cut) > max_chars:
        cut = cut[:max_chars]
        if " " in cut[max_chars // 2 :]:
            cut = cut[: cut.rfind(" ")]
    if cut == text:
        return text
    return cut.rstrip(" ,;:—–-") + "…"


def capitalise(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def has_fact(text: str) -> bool:
    return bool(FACT_RE.search(URL_RE.sub(" ", text)))


def has_contrast(text: str) -> bool:
    return bool(CONTRAST_RE.search(text))
