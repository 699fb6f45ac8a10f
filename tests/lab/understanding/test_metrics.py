"""The figures, checked against answers worked out by hand."""

from __future__ import annotations

import numpy as np
import pytest

from heard.lab.understanding.metrics import accuracy, f1, macro_f1, macro_recall, roc_auc, stratified_folds


def test_f1_and_macro_f1_by_hand() -> None:
    y = np.array([1, 1, 1, 0, 0, 0, 0, 0])
    pred = np.array([1, 1, 0, 1, 0, 0, 0, 0])
    # complaint: tp 2, fp 1, fn 1 -> 4/6; not: tp 4, fp 1, fn 1 -> 8/10
    assert f1(y, pred, 1) == pytest.approx(4 / 6)
    assert f1(y, pred, 0) == pytest.approx(8 / 10)
    assert macro_f1(y, pred, [0, 1]) == pytest.approx((4 / 6 + 8 / 10) / 2)
    assert accuracy(y, pred) == pytest.approx(6 / 8)


def test_macro_recall_by_hand() -> None:
    y = np.array([0, 0, 1, 1, 2, 2, 2, 2])
    pred = np.array([0, 1, 1, 1, 2, 0, 0, 0])
    assert macro_recall(y, pred, [0, 1, 2]) == pytest.approx((0.5 + 1.0 + 0.25) / 3)


def test_roc_auc_with_ties_counts_half() -> None:
    y = np.array([0, 0, 1, 1])
    assert roc_auc(y, np.array([0.1, 0.4, 0.35, 0.8])) == pytest.approx(0.75)
    assert roc_auc(y, np.array([0.5, 0.5, 0.5, 0.5])) == pytest.approx(0.5)
    assert roc_auc(np.array([1, 1]), np.array([0.2, 0.3])) is None


def test_folds_cover_every_row_once_and_keep_class_balance() -> None:
    y = np.array([0] * 30 + [1] * 10)
    folds = stratified_folds(y, 5)
    joined = np.sort(np.concatenate(folds))
    assert joined.tolist() == list(range(40))
    assert all(int(y[f].sum()) == 2 for f in folds)
