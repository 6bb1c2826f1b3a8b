"""What one brain dump is about: its keyphrases, term weights and subject, read from its publishable sentences
(the words, sentences and kinds of note they are read from are in `text`)."""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import cached_property

from lib.generate.text import (
    ADJECTIVE_KEYS, CHECK, DETERMINERS, GENERIC_KEYS, HEADING, INTERNAL, LENGTH_BONUS, META_WORDS, NUMBER_WORDS,
    OBJECT_DETERMINERS, PROSE, PUBLIC_KINDS, Phrase, TIME_KEYS, Token, Unit, VERB_KEYS, WORD_RE, collapse,
    is_content, lowercase_words, scripts_of, split_units, tokenize,
)

@dataclass(frozen=True)
class Subject:
    """What the notes are about: the noun they mention most (a heading counts double)."""

    key: str  # the word's key ("newsletter")
    display: str  # as the notes write it
    phrase: str  # the heading's phrase around it ("newsletter launch"), else `display`
    mentions: int  # sentences that mention it (the heading aside)
    name: str = ""  # a name the heading gives ("Shiftboard 2.0"), if any
    in_heading: bool = False  # the notes' heading names it
    titled: bool = False  # a noun phrase of the heading names it ("Remote work"), said again or the heading's all

    @property
    def clear(self) -> bool:
        """Whether the notes are plainly about it: said three times, named in their heading and said again, or
        named by the heading's own noun phrase ("Remote work notes")."""
        return self.mentions >= 3 or bool(self.name) or (self.in_heading and self.mentions >= 2) or self.titled


class Analysis:
    """Keyphrases, term weights and subject of one brain dump (read from its publishable sentences)."""

    def __init__(self, text: str):
        self.units = split_units(text)
        self.lower_words = lowercase_words(text)
        with_terms = [u for u in self.units if u.terms]
        public = [u for u in with_terms if u.kind in PUBLIC_KINDS]
        # Notes that are all tasks or headings still have a subject: read them rather than nothing.
        self.content_units = public or [u for u in with_terms if u.kind != INTERNAL] or with_terms
        self.prose_units = [u for u in self.content_units if u.kind == PROSE] or [
            u for u in self.content_units if u.kind != CHECK]
        self.headings = [u for u in self.units if u.kind == HEADING]
        # Capitalised words the notes use mid-sentence and never in lower case: names ("Field Notes", "Apple Mail").
        self.names = {t.text.casefold() for u in self.units for t in u.tokens[1:]
                      if _titlecase_word(t.text) and t.text.casefold() not in self.lower_words
                      and not u.read[: t.start].rstrip().endswith((":", ".", "!", "?", "—"))}
        n = max(1, len(self.content_units))
        self.df: Counter = Counter(t for u in self.content_units for t in u.terms)
        self.idf = {t: math.log(1 + n / c) for t, c in self.df.items()}
        self.weight = {t: (1 + math.log(c)) * self.idf[t] for t, c in self.df.items()}
        self.phrases = self._phrases()
        self.ranked = sorted(self.phrases.values(), key=lambda p: (-p.score, p.first, p.key))
        self.subject = self._subject()

    def _phrases(self) -> dict[tuple[str, ...], Phrase]:
        phrases: dict[tuple[str, ...], Phrase] = {}
        order = 0
        for unit in self.content_units:
            for run in candidate_runs(unit.read, unit.tokens):
                # Every span of a run counts: "labour cost" is in "labour cost preview" too.
                for size in range(len(run), 0, -1):
                    for at in range(len(run) - size + 1):
                        piece = run[at : at + size]
                        key = tuple(t.norm for t in piece)
                        phrase = phrases.setdefault(key, Phrase(key, first=order))
                        order += 1
                        phrase.displays[self._display(unit.read, piece)] += 1
                        phrase.units.add(unit.index)
                        phrase.count += 1
        for phrase in phrases.values():
            if all(w in GENERIC_KEYS for w in phrase.key):
                continue  # score stays 0: never a theme on its own
            mean = sum(self.weight.get(w, 0.0) * (0.5 if w in GENERIC_KEYS else 1.0) for w in phrase.key) / len(phrase.key)
            phrase.score = mean * LENGTH_BONUS[len(phrase.key)] * (1 + math.log(len(phrase.units)))
        return phrases

    def _display(self, text: str, piece: list[Token]) -> str:
        display = text[piece[0].start : piece[-1].end]
        first = piece[0].text
        if _titlecase_word(first) and (first.casefold() in self.lower_words or not WORD_RE.search(text[: piece[0].start])):
            display = display[0].lower() + display[1:]  # sentence-initial capital, not a name
        return display

    # --- what the notes are about -------------------------------------------------

    def is_name(self, token: Token) -> bool:
        """A capitalised word the notes never write in lower case (a person, a brand), not an acronym."""
        return _titlecase_word(token.text) and token.text.casefold() not in self.lower_words

    def nounish(self, token: Token) -> bool:
        """Whether a word can name a topic: content, not generic, not a verb or a number word."""
        key = token.norm
        return (is_content(token) and key not in GENERIC_KEYS and key not in VERB_KEYS and key not in NUMBER_WORDS
                and not (token.text.isascii() and token.text.casefold().endswith("ly")))

    def _subject(self) -> Subject | None:
        """The noun the most sentences mention; when the notes have a heading, the heading's noun they mention most."""
        mentions: Counter = Counter()
        first: dict[str, int] = {}
        forms: dict[str, Counter] = {}
        heading_keys: set[str] = set()
        for in_heading, units in ((True, self.headings), (False, self.content_units)):
            for unit in units:
                seen = set()
                for token in unit.tokens:
                    if not self.nounish(token) or (not in_heading and self.is_name(token)) or token.norm in seen:
                        continue
                    seen.add(token.norm)
                    first.setdefault(token.norm, len(first))
                    form = token.text.casefold() if token.text.casefold() in self.lower_words else token.text
                    forms.setdefault(token.norm, Counter())[form] += 2 if in_heading else 1  # the heading's spelling
                    if in_heading:
                        heading_keys.add(token.norm)
                    else:
                        mentions[token.norm] += 1
        # A heading that is one noun phrase ("Remote work notes", "Hiring plan") names the subject even when the
        # notes never repeat its words; any other heading names it by the noun the notes say most.
        titles = [[t.norm for t in run if t.norm in heading_keys] for unit in self.headings
                  for run in self._noun_phrases(unit) if self._title(unit, run, alone=True)]
        candidates = ([k for k in heading_keys if mentions[k]] or next(iter(titles), []) or list(mentions)
                      or list(heading_keys))
        if not candidates:
            return None
        key = min(candidates, key=lambda k: (-mentions[k], first[k]))
        display = max(forms[key].items(), key=lambda kv: (kv[1], kv[0].islower()))[0]
        phrase, titled = display, False
        for unit in self.headings:
            runs = [r for r in self._noun_phrases(unit) if key in {t.norm for t in r}]
            if runs:
                phrase = self._heading_display(unit, runs[0])
                titled = self._title(unit, runs[0], alone=not mentions[key])
                break
        return Subject(key, display, phrase, mentions[key], self._heading_name(), key in heading_keys, titled)

    def _noun_phrases(self, unit: Unit) -> list[list[Token]]:
        return [run for run in (self._noun_phrase(unit, r) for r in candidate_runs(unit.read, unit.tokens)) if run]

    @staticmethod
    def _title(unit: Unit, run: list[Token], alone: bool) -> bool:
        """Whether a heading's noun phrase names what the notes are about: two words or more, not all common words
        ("Remote work", "Hiring plan"); `alone`: and the heading says nothing else (meta words aside)."""
        if len(run) < 2 or all(t.norm in GENERIC_KEYS for t in run):
            return False
        inside = {t.start for t in run}
        return not alone or all(t.start in inside or not is_content(t) or t.text.casefold() in META_WORDS
                                for t in unit.tokens)

    def _noun_phrase(self, unit: Unit, run: list[Token]) -> list[Token]:
        """A heading's run as the noun phrase it names: no meta word ("Remote Work Notes") or adjective at its end."""
        def said(words: str) -> bool:
            return any(words in collapse(u.read).casefold() for u in self.content_units)

        while run and (run[-1].norm in ADJECTIVE_KEYS or run[-1].text.casefold().endswith("ly")
                       or (run[-1].text.casefold() in META_WORDS
                           and not said(unit.read[run[0].start : run[-1].end].casefold()))):  # "Field Notes" stays
            run = run[:-1]
        return run

    def _heading_display(self, unit: Unit, run: list[Token]) -> str:
        """The phrase as the heading writes it, with the capitals of a Title Case heading lowered ("remote work"),
        a name's kept ("Field Notes": capitalised in the notes' own sentences too)."""
        display = self._display(unit.read, run)
        words = [t for t in unit.tokens if t.text.isalpha() and len(t.text) > 3]
        if len(words) < 2 or not all(_titlecase_word(t.text) for t in words):
            return display
        named = {t.text for u in self.content_units for t in u.tokens[1:] if self.is_name(t)}
        out, offset = list(display), run[0].start
        for token in run:
            if _titlecase_word(token.text) and token.text not in named:
                out[token.start - offset] = token.text[0].lower()
        return "".join(out)

    def _heading_name(self) -> str:
        """A capitalised name in the heading that the notes use again ("Shiftboard 2.0")."""
        used = {t.norm for u in self.content_units for t in u.tokens}
        for unit in self.headings:
            for token in unit.tokens[1:]:
                if self.is_name(token) and token.norm in used and token.text.casefold() not in META_WORDS:
                    version = re.match(r"\s+v?\d+(?:\.\d+)*\b", unit.text[token.end :])
                    return token.text + (version.group(0) if version else "")
        return ""

    def facets(self) -> list[Phrase]:
        """Phrases that can name a theme, best first: noun phrases, not a lone name, not the subject alone."""
        return list(self._facets)

    @cached_property
    def _facets(self) -> list[Phrase]:
        subsumed = set()
        for phrase in self.phrases.values():
            if len(phrase.key) > 1 and phrase.score > 0:
                for part in (phrase.key[1:], phrase.key[:-1]):
                    inner = self.phrases.get(part)
                    if inner is not None and inner.units == phrase.units:
                        subsumed.add(part)
        out = []
        for phrase in self.ranked:
            if phrase.score <= 0 or (self.subject and phrase.key == (self.subject.key,)):
                continue
            if phrase.key[-1] in NUMBER_WORDS | ADJECTIVE_KEYS or phrase.display.endswith("ly") or (
                    phrase.key[-1] in VERB_KEYS and not is_ing_noun(phrase.display.split()[-1], len(phrase.key) > 1)):
                continue
            if phrase.key in subsumed:
                continue  # "Field" only ever occurs in "Field Notes": name the longer phrase
            if len(phrase.key) == 1 and phrase.display.isascii() and phrase.key[0] not in self._nouns:
                continue  # never seen as a noun ("repurpose too little")
            if len(phrase.key) == 1 and phrase.display[:1].isupper() and phrase.display.casefold() not in self.lower_words \
                    and not phrase.display.isupper() and len(phrase.units) < 3:
                continue  # a first name mentioned once or twice is not a theme
            out.append(phrase)
        main = self.main_script
        return sorted(out, key=lambda p: not scripts_of(p.display) <= {main})  # the notes' main script first

    @cached_property
    def _nouns(self) -> set[str]:
        """Keys of words the notes use as nouns: after a determiner ("each issue"), or ending a phrase ("new hires")."""
        nouns = set()
        for unit in self.content_units:
            for before, token in zip(unit.tokens, unit.tokens[1:]):
                if before.text.casefold() in DETERMINERS and not unit.read[before.end : token.start].strip():
                    nouns.add(token.norm)
            nouns.update(run[-1].norm for run in candidate_runs(unit.read, unit.tokens) if len(run) > 1)
        return nouns

    @cached_property
    def main_script(self) -> str:
        """The writing system most of the notes' letters are in ("LATIN", "ARABIC", ...)."""
        letters: Counter = Counter()
        for unit in self.content_units:
            for ch in unit.read:
                if ch.isalpha():
                    letters[next(iter(scripts_of(ch)), "")] += 1
        return max(letters, key=lambda k: (letters[k], k), default="LATIN")

    # --- lookups -------------------------------------------------------------------

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

    def related(self, terms: set[str], limit: int, exclude: set[int] = frozenset(), minimum: float = 0.0,
                pool: list[Unit] | None = None) -> list[Unit]:
        """Units of `pool` (default: the publishable ones) most related to `terms`, best first (ties: input order)."""
        query = self.vector(terms)
        units = self.content_units if pool is None else pool
        scored = [(cosine(self.vector(u.terms), query), u) for u in units if u.index not in exclude]
        scored = [(s, u) for s, u in scored if s > minimum]
        scored.sort(key=lambda su: (-su[0], su[1].index))
        return [u for _, u in scored[:limit]]

    def phrases_in(self, unit_ids: set[int], avoid: set[str] = frozenset()) -> list[Phrase]:
        """Phrases occurring in these units, best first, sharing no word with `avoid`."""
        found = [p for p in self.ranked if p.units & unit_ids and not set(p.key) & avoid]
        return sorted(found, key=lambda p: (-p.score * len(p.units & unit_ids), p.first))

    def find(self, text: str) -> Unit | None:
        """The unit a (possibly shortened) sentence came from, matched on its words or its publishable form."""
        head = collapse(text).rstrip("…").casefold()
        if not head:
            return None
        for unit in self.units:
            if unit.text.casefold().startswith(head) or unit.prose.casefold().startswith(head):
                return unit
        return None


def candidate_runs(text: str, tokens: list[Token]) -> list[list[Token]]:
    """RAKE-style candidates: runs of content words not broken by stopwords, verbs, numbers or punctuation."""
    runs: list[list[Token]] = []
    run: list[Token] = []
    for at, token in enumerate(tokens):
        gap = text[run[-1].end : token.start] if run else ""
        joins = _in_phrase(token, bool(run)) or bool(run and _titlecase_word(run[-1].text)
                                                     and _titlecase_word(token.text) and token.text.casefold() in META_WORDS)
        if not joins or gap.strip():
            runs.extend(_chunks(run))
            run = [token] if _in_phrase(token) else []
        elif run and takes_object(text, tokens, at):
            runs.extend(_chunks(run))  # "standups waste 30 minutes": the phrase is "standups"
            run = []
        else:
            run.append(token)
    runs.extend(_chunks(run))
    return runs


def _in_phrase(token: Token, after_word: bool = False) -> bool:
    if any(ch.isdigit() for ch in token.text) and not token.text.isupper():
        return False  # "9pm", "20-200": numbers are facts, not topics ("B2B", "Q2" stay)
    return (is_content(token) and (token.norm not in VERB_KEYS or is_ing_noun(token.text, after_word))
            and token.norm not in NUMBER_WORDS)


def is_ing_noun(word: str, after_word: bool = False) -> bool:
    """Whether a verb's -ing form is a noun: plural ("meetings") or after a word of its phrase ("async writing")."""
    word = word.casefold()
    return word.endswith("ings") or (after_word and word.endswith("ing"))


def _is_number(token: Token) -> bool:
    return any(ch.isdigit() for ch in token.text) or token.norm in NUMBER_WORDS or token.norm == "one"


def takes_object(text: str, tokens: list[Token], at: int) -> bool:
    """Whether the word at `at` reads as a verb with an object: a number or a determiner follows it, then a word
    ("waste 30 minutes", "cost each engineer", "ships a release"). Not before a time a determiner opens ("hours a
    week", "email every two weeks") nor before an identifier ("issue 6.", "email 2 is our best tactic")."""
    after = at + 1
    while after < len(tokens) and not text[tokens[after - 1].end : tokens[after].start].strip(" $€£~"):
        word = tokens[after]
        if _is_number(word) and not word.text.isupper() or word.text.casefold() in OBJECT_DETERMINERS:
            after += 1  # "the 12 customers", "every two weeks"
            continue
        opens = tokens[at + 1].text.casefold() in OBJECT_DETERMINERS  # "a week" is when; "30 minutes" is what
        return (after > at + 1 and is_content(word) and word.norm not in VERB_KEYS
                and not (opens and word.norm in TIME_KEYS))
    return False


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
