"""Clustering the brain dump's sentences around distinct keyphrases (the offline themes)."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass

from lib.generate.analysis import Analysis, cosine
from lib.generate.text import Phrase, Unit, is_content


@dataclass
class Cluster:
    phrase: Phrase
    members: list[Unit]
    centroid: dict[str, float]


def cluster(analysis: Analysis, low: int = 3, high: int = 7) -> list[Cluster]:
    """Group the content units around distinct noun phrases (`Analysis.facets`): between `low` and `high` clusters.

    The subject of the notes seeds no cluster of its own while other phrases are left: every theme is about it.
    """
    units = analysis.content_units
    k = max(low, min(high, round(math.sqrt(len(units)))))
    subject = {analysis.subject.key} if analysis.subject else set()
    prose = {u.index for u in analysis.prose_units}  # two phrases of the same publishable sentences are one theme
    seeds: list[Phrase] = []
    for strict in (True, False):
        for phrase in analysis.facets():
            if len(seeds) >= k:
                break
            if phrase in seeds:
                continue
            words = set(phrase.key)
            if strict and (words & subject or any(words & set(s.key) for s in seeds)):
                continue
            if not strict and any(words == set(s.key) for s in seeds):
                continue
            if strict and (not phrase.units & prose or any(_jaccard(phrase.units & prose, s.units & prose) > 0.6 for s in seeds)):
                continue
            seeds.append(phrase)
    _fill_seeds(analysis, seeds, low)
    by_index = {u.index: u for u in units}
    centroids = []
    for seed in seeds:
        centroid: dict[str, float] = defaultdict(float)
        for uid in sorted(seed.units):
            for term, weight in analysis.vector(by_index[uid].terms).items():
                centroid[term] += weight
        centroids.append(dict(centroid))
    members: list[list[Unit]] = [[] for _ in seeds]
    for unit in units:
        vec = analysis.vector(unit.terms)
        owners = [i for i, s in enumerate(seeds) if unit.index in s.units] or range(len(seeds))
        best = max(owners, key=lambda i: (cosine(vec, centroids[i]), -i), default=None)
        if best is not None and (unit.index in seeds[best].units or cosine(vec, centroids[best]) > 0):
            members[best].append(unit)
    clusters = []
    for seed, group in zip(seeds, members):
        group = group or [by_index[i] for i in sorted(seed.units) if i in by_index]
        centroid: dict[str, float] = defaultdict(float)
        for unit in group:
            for term, weight in analysis.vector(unit.terms).items():
                centroid[term] += weight
        ranked = sorted(
            group,
            key=lambda u: (-(cosine(analysis.vector(u.terms), centroid) + (0.5 if u.index in seed.units else 0)), u.index),
        )
        clusters.append(Cluster(seed, ranked, dict(centroid)))
    return clusters


def _jaccard(a: set, b: set) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


def _fill_seeds(analysis: Analysis, seeds: list[Phrase], low: int) -> None:
    """Very short inputs: add the single nouns of the text (the subject last), then repeat seeds, to reach `low`."""
    taken = {s.key for s in seeds}
    subject = (analysis.subject.key,) if analysis.subject else None
    for last in (False, True):
        for unit in analysis.content_units:
            for token in unit.tokens:
                key = (token.norm,)
                if len(seeds) >= low:
                    return
                if (key == subject) == last and analysis.nounish(token) and key not in taken:
                    taken.add(key)
                    seeds.append(analysis.phrases.get(key) or Phrase(key, Counter({token.text: 1}), {unit.index}, 1, 10**9))
    for unit in analysis.content_units[:1]:  # nothing nounish at all: the first word stands for the text
        for token in unit.tokens[:1]:
            if (token.norm,) not in taken and is_content(token):
                seeds.append(analysis.phrases.get((token.norm,)) or Phrase((token.norm,), Counter({token.text: 1}), {unit.index}, 1, 10**9))
    base = list(seeds)
    while base and len(seeds) < low:
        seeds.append(base[len(seeds) % len(base)])  # same topic, another angle (titles differ by template)
