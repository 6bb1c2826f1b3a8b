"""Offline text analysis: sentences, keyphrases, clusters. Pure Python, deterministic.

Everything returned points back into the user's own text: units are verbatim
pieces of the input (whitespace collapsed), phrases are verbatim spans.
"""

from __future__ import annotations

import math
import re
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
    look looked use used using start started tell told mean meant seem seems seemed become became according""".split()
)
# Words too general to name a theme alone; they may still sit inside a phrase ("new hire").
GENERIC = frozenset(
    """able area back best better big bit case come day days end every fact feel find first give go going good
    great help high keep know last level long look low made make makes making mean means month months new next
    number one part people person place point put real right said say see short show small start sure take
    takes three time times today tomorrow true try two type use used using way ways week weeks whole work
    works year years yesterday""".split()
)
LENGTH_BONUS = {1: 0.8, 2: 1.3, 3: 1.25, 4: 0.95}
ABBREVIATIONS = frozenset("e.g i.e etc vs mr mrs ms dr prof st no approx ca cf fig inc ltd jr sr".split())

_MARKS = "\u0300-\u036f\u0483-\u0489\u0591-\u05c7\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0900-\u0963\u0966-\u0dff\u0e00-\u0e7f\u1000-\u109f\u3099\u309a"
WORD_RE = re.compile(rf"(?:[^\W_]|[{_MARKS}])+(?:['’\-](?:[^\W_]|[{_MARKS}])+)*")
URL_RE = re.compile(r"https?://[^\s<>()\"']+[^\s<>()\"'.,;:!?]")
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


@dataclass
class Unit:
    """A sentence (or clause of a long one), verbatim from the input."""

    index: int
    text: str
    line: int
    tokens: list[Token] = field(default_factory=list)
    terms: frozenset[str] = frozenset()

    @property
    def is_question(self) -> bool:
        return bool(QUESTION_RE.search(self.text))


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
    word = word.casefold().replace("’", "'")
    if word.isascii() and word.replace("'", "").replace("-", "").isalpha():
        if word.endswith("'s"):
            word = word[:-2]
        if len(word) > 4 and word.endswith("ies"):
            word = word[:-3] + "y"
        elif len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
            word = word[:-1]
    return word


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


def tokenize(text: str) -> list[Token]:
    masked = URL_RE.sub(lambda m: " " * len(m.group(0)), text)
    tokens: list[Token] = []
    for match in WORD_RE.finditer(masked):
        word = match.group(0)
        if _NOSPACE.search(word):
            tokens.extend(_split_nospace(word, match.start()))
        else:
            tokens.append(Token(word, normalise(word), match.start(), match.end()))
    return tokens


def is_content(token: Token) -> bool:
    if token.norm in STOPWORDS or token.norm.isdigit():
        return False
    return len(token.norm) >= 2 or bool(_NOSPACE.search(token.norm))


def terms_of(tokens: list[Token]) -> frozenset[str]:
    """Similarity features: content words that are not generic, plus bigrams of unspaced scripts."""
    terms = set()
    for token in tokens:
        if is_content(token) and token.norm not in GENERIC:
            terms.add(token.norm)
            if _NOSPACE.search(token.norm) and len(token.norm) > 2:
                terms.update(token.norm[i : i + 2] for i in range(len(token.norm) - 1))
    return frozenset(terms)


def _size(text: str) -> int:
    return max(len(text.split()), len(_NOSPACE.findall(text)) // 2)


def _split_line(line: str) -> list[str]:
    pieces, start = [], 0
    for match in _END.finditer(line):
        if match.group(1):
            before = line[start : match.start()].split()
            last = before[-1].casefold().rstrip(".") if before else ""
            if match.group(1)[0] in ".…" and (last in ABBREVIATIONS or (len(last) == 1 and last.isalpha())):
                continue
            if line[match.end() :].lstrip()[:1].islower():
                continue
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


def split_units(text: str, *, clauses_if_few: bool = True) -> list[Unit]:
    """Sentences of the input, one unit each, duplicates dropped; clauses when there are very few."""
    raw: list[tuple[str, int]] = []
    for line_no, line in enumerate(text.splitlines()):
        line = _BULLET.sub("", line)
        for sentence in _split_line(collapse(line)):
            raw.extend((piece, line_no) for piece in _split_long(sentence))
    if clauses_if_few and len(raw) < 3:
        finer = [(c.strip(), ln) for s, ln in raw for c in _CLAUSE.split(s) if c and c.strip()]
        if len(finer) > len(raw):
            raw = finer
    units, seen = [], set()
    for piece, line_no in raw:
        key = piece.casefold()
        if key in seen:
            continue
        seen.add(key)
        tokens = tokenize(piece)
        units.append(Unit(len(units), piece, line_no, tokens, terms_of(tokens)))
    return units


def urls_in(text: str) -> list[str]:
    return list(dict.fromkeys(URL_RE.findall(text)))


class Analysis:
    """Keyphrases and term weights of one brain dump."""

    def __init__(self, text: str):
        self.units = split_units(text)
        self.content_units = [u for u in self.units if u.terms]
        n = max(1, len(self.units))
        self.df: Counter = Counter(t for u in self.units for t in u.terms)
        self.idf = {t: math.log(1 + n / c) for t, c in self.df.items()}
        self.weight = {t: (1 + math.log(c)) * self.idf[t] for t, c in self.df.items()}
        self.phrases = self._phrases()
        self.ranked = sorted(self.phrases.values(), key=lambda p: (-p.score, p.first, p.key))

    def _phrases(self) -> dict[tuple[str, ...], Phrase]:
        phrases: dict[tuple[str, ...], Phrase] = {}
        order = 0
        for unit in self.units:
            for piece in candidate_runs(unit.text, unit.tokens):
                key = tuple(t.norm for t in piece)
                phrase = phrases.setdefault(key, Phrase(key, first=order))
                order += 1
                display = unit.text[piece[0].start : piece[-1].end]
                if not WORD_RE.search(unit.text[: piece[0].start]) and _titlecase_word(piece[0].text):
                    display = display[0].lower() + display[1:]  # sentence-initial capital, not a name
                phrase.displays[display] += 1
                phrase.units.add(unit.index)
                phrase.count += 1
        for phrase in phrases.values():
            if all(w in GENERIC for w in phrase.key):
                continue  # score stays 0: never a theme on its own
            mean = sum(self.weight.get(w, 0.0) * (0.5 if w in GENERIC else 1.0) for w in phrase.key) / len(phrase.key)
            phrase.score = mean * LENGTH_BONUS[len(phrase.key)] * (1 + math.log(len(phrase.units)))
        return phrases

    def key_phrase(self, text: str, avoid: set[str] = frozenset()) -> Phrase | None:
        """The best known phrase inside `text` that shares no word with `avoid`."""
        found = []
        for piece in candidate_runs(text, tokenize(text)):
            phrase = self.phrases.get(tuple(t.norm for t in piece))
            if phrase is not None and phrase.score > 0 and not set(phrase.key) & avoid:
                found.append(phrase)
        return min(found, key=lambda p: (-p.score, p.first), default=None)

    def vector(self, terms) -> dict[str, float]:
        return {t: self.idf.get(t, 1.0) for t in terms}

    def related(self, terms: set[str], limit: int, exclude: set[int] = frozenset(), minimum: float = 0.0) -> list[Unit]:
        """Units most related to `terms`, best first (ties: input order)."""
        query = self.vector(terms)
        scored = [(cosine(self.vector(u.terms), query), u) for u in self.content_units if u.index not in exclude]
        scored = [(s, u) for s, u in scored if s > minimum]
        scored.sort(key=lambda su: (-su[0], su[1].index))
        return [u for _, u in scored[:limit]]

    def phrases_in(self, unit_ids: set[int], avoid: set[str] = frozenset()) -> list[Phrase]:
        """Phrases occurring in these units, best first, sharing no word with `avoid`."""
        found = [p for p in self.ranked if p.units & unit_ids and not set(p.key) & avoid]
        return sorted(found, key=lambda p: (-p.score * len(p.units & unit_ids), p.first))


def candidate_runs(text: str, tokens: list[Token]) -> list[list[Token]]:
    """RAKE-style candidates: runs of content words not broken by stopwords or punctuation."""
    runs: list[list[Token]] = []
    run: list[Token] = []
    for token in tokens:
        gap = text[run[-1].end : token.start] if run else ""
        if not is_content(token) or gap.strip():
            runs.extend(_chunks(run))
            run = [token] if is_content(token) else []
        else:
            run.append(token)
    runs.extend(_chunks(run))
    return runs


def _titlecase_word(word: str) -> bool:
    return len(word) > 1 and word[0].isupper() and word[1:].islower()


def _chunks(run: list[Token]) -> list[list[Token]]:
    if len(run) <= 4:
        return [run] if run else []
    return [run[i : i + 3] for i in range(0, len(run), 3)]


def cosine(a: dict[str, float], b: dict[str, float]) -> float:
    """Cosine similarity. `fsum` makes it independent of set/dict order, hence of PYTHONHASHSEED."""
    if len(a) > len(b):
        a, b = b, a
    dot = math.fsum(w * b[t] for t, w in a.items() if t in b)
    if not dot:
        return 0.0
    return dot / math.sqrt(math.fsum(w * w for w in a.values()) * math.fsum(w * w for w in b.values()))


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
