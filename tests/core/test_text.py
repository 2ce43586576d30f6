"""Free-text similarity: TF-IDF cosines, empty input, shared terms for reasons."""

from __future__ import annotations

import numpy as np
import pytest

from netweave.core.text import (
    TextModel,
    analyze,
    check_backend,
    cross_similarity,
    iter_dot_blocks,
    self_similarity,
    shared_terms,
)

DOCS = [
    "I run a data science community and teach workshops.",
    "Volunteer management and burnout prevention for our data science community.",
    "Grant funding for community roles.",
    "",
]


def test_cross_similarity_shape_and_dtype():
    sims = cross_similarity(DOCS[:2], DOCS, corpus=DOCS)
    assert (sims.shape, sims.dtype) == ((2, 4), np.float32)


def test_cross_similarity_identical_texts_score_one():
    sims = cross_similarity([DOCS[0]], [DOCS[0]], corpus=DOCS)
    assert sims[0, 0] == pytest.approx(1.0)


def test_cross_similarity_empty_doc_gives_zero_row():
    sims = cross_similarity(["", DOCS[0]], DOCS, corpus=DOCS)
    assert sims[0].tolist() == [0.0, 0.0, 0.0, 0.0]


def test_cross_similarity_unrelated_texts_score_zero():
    sims = cross_similarity(["planetarium shows"], ["grant funding"], corpus=DOCS)
    assert sims[0, 0] == 0.0


def test_cross_similarity_shared_words_score_between_zero_and_one():
    sims = cross_similarity([DOCS[0]], [DOCS[1]], corpus=DOCS)
    assert 0.0 < sims[0, 0] < 1.0


def test_self_similarity_diagonal_is_zero():
    assert np.diag(self_similarity(DOCS)).tolist() == [0.0] * len(DOCS)


def test_self_similarity_is_symmetric():
    sims = self_similarity(DOCS)
    assert np.array_equal(sims, sims.T)


def test_self_similarity_all_empty_returns_zeros():
    assert self_similarity(["", "", ""]).tolist() == [[0.0] * 3] * 3


def test_self_similarity_stop_words_only_returns_zeros():
    assert self_similarity(["the and of", "it is"]).tolist() == [[0.0, 0.0], [0.0, 0.0]]


def test_self_similarity_no_docs_returns_empty_matrix():
    assert self_similarity([]).shape == (0, 0)


def test_text_model_without_vocabulary_has_no_terms():
    assert TextModel(["", "the"]).n_terms == 0


def test_iter_dot_blocks_matches_dense_product_across_blocks():
    # 2,100 texts make more than one block of 4M cells and mix common (dense) and rare terms
    rng = np.random.default_rng(0)
    words = [f"w{k}" for k in range(300)]
    docs = [
        " ".join(rng.choice(words[:10], 3)) + " " + " ".join(rng.choice(words, 5))
        for _ in range(2100)
    ]
    vecs = TextModel(docs).vectors(docs)
    blocks = list(iter_dot_blocks(vecs, vecs))
    glued = np.vstack([b for _, _, b in blocks])
    assert len(blocks) > 1
    assert np.abs(glued - (vecs @ vecs.T).toarray()).max() < 1e-5


def test_text_model_vectors_are_unit_length_or_zero():
    vecs = TextModel(DOCS).vectors(DOCS)
    squares = np.asarray(vecs.multiply(vecs).sum(axis=1)).ravel()
    assert np.allclose(squares, [1.0, 1.0, 1.0, 0.0])


def test_analyze_drops_stop_words_and_accents():
    assert analyze("The café of São Paulo") == ["cafe", "sao", "paulo", "cafe sao", "sao paulo"]


def test_analyze_phrases_never_cross_a_comma_or_full_stop():
    assert analyze("Events. Online, workshops") == ["events", "online", "workshops"]


def test_analyze_drops_registration_form_words():
    assert analyze("Looking for someone, ideally") == []


def test_shared_terms_prefers_a_phrase_over_its_words():
    terms = shared_terms("I do volunteer management", "Volunteer management is hard")
    assert terms == ["volunteer management"]


def test_shared_terms_none_shared_is_empty():
    assert shared_terms("grant funding", "planetarium shows") == []


def test_shared_terms_ranks_rare_words_first():
    corpus = ["outreach mentoring", "outreach events", "funding", "grants"]
    model = TextModel(corpus)
    assert model.shared_terms("outreach and mentoring", "mentoring, outreach") == [
        "mentoring",
        "outreach",
    ]


def test_shared_terms_leaves_out_words_most_texts_use():
    corpus = ["I run a mentoring", "I run b", "I run c", "I run d"]
    assert TextModel(corpus).shared_terms(0, 1) == []


def test_shared_terms_takes_corpus_positions():
    assert TextModel(DOCS).shared_terms(0, 1) == ["data science community"]


def test_shared_terms_limits_to_k():
    terms = shared_terms("alpha, beta, gamma, delta", "delta, gamma, beta, alpha", k=2)
    assert len(terms) == 2


def test_shared_terms_ties_break_alphabetically():
    assert shared_terms("beta, alpha", "alpha, beta") == ["alpha", "beta"]


def test_shared_terms_without_vocabulary_is_empty():
    assert TextModel(["", ""]).shared_terms("the", "the") == []


def test_text_model_unknown_backend_raises_with_choices():
    with pytest.raises(ValueError, match=r"unknown text backend 'bert': choose one of 'tfidf'"):
        TextModel(DOCS, backend="bert")


def test_check_backend_accepts_tfidf():
    assert check_backend("tfidf") == "tfidf"


def test_shared_terms_are_phrases_as_written_not_words_glued_across_stop_words():
    a = "Moderation, codes of conduct and charters for our forum"
    b = "I drafted our code of conduct; charters next"
    assert shared_terms(a, b, k=3) == ["codes of conduct", "charters"]


def test_shared_terms_leave_out_generic_words_and_verbs():
    assert shared_terms("I want to meet people who know Slack", "meet people, know") == []


def test_shared_terms_leave_out_publishing_boilerplate():
    a = "Soil microbes in drylands. This article is protected by copyright. All rights reserved."
    b = "Copyright 2021 the authors. All rights reserved. We sample soil microbes."
    assert shared_terms(a, b, k=3) == ["soil microbes"]


def test_shared_terms_avoid_words_already_named():
    a, b = "mentoring programs and outreach", "outreach, mentoring programs"
    assert TextModel([a, b]).shared_terms(a, b, avoid=("mentoring",)) == ["outreach"]


def test_shared_terms_shorten_a_shared_template_sentence():
    a = "I run workshops in the carpentries style and onboarding newcomers with welcome workflows"
    b = "Lately: workshops in the carpentries style and onboarding newcomers with welcome workflows"
    terms = shared_terms(a, b, k=3)
    assert max(len(t.split()) for t in terms) <= 3
