"""How a certificate words its decision: a filing (备案) is filed, a permit permitted."""

import pytest

from gaoxin.approvals.views import _decision_words


@pytest.mark.parametrize(
    ("item", "decision", "words"),
    [
        ("企业投资项目备案", "approved", "予以备案"),
        ("企业投资项目备案", "conditional", "附条件予以备案"),
        ("建设工程规划许可证", "approved", "准予许可"),
        ("施工许可证核发", "conditional", "附条件准予许可"),
    ],
)
def test_the_decision_is_worded_for_what_was_decided(item, decision, words):
    assert _decision_words(item, decision) == words
