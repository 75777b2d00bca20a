"""The comparison policy itself: tolerances, NaN and inf, shapes, dtypes, structure, ULPs."""

import mpmath
import numpy as np
import pytest

from formulary.compare import Mismatch, assert_close, ulp_error
from formulary.record import Tolerance

F64 = Tolerance.default(np.float64)


def test_within_and_beyond_tolerance():
    e = np.array([1.0, 100.0])
    assert_close(e * (1 + 0.9e-7), e, F64)
    with pytest.raises(Mismatch, match=r"index \(1,\)"):
        assert_close(np.array([1.0, 100.0 + 1e-4]), e, F64)


def test_nan_meets_nan_only():
    assert_close(np.array([np.nan, 1.0]), np.array([np.nan, 1.0]), F64)
    with pytest.raises(Mismatch, match=r"expected np.float64\(nan\), got np.float64\(0.0\) \(only one side is NaN\)"):
        assert_close(np.array([0.0]), np.array([np.nan]), F64)
    with pytest.raises(Mismatch, match="only one side is NaN"):
        assert_close(np.array([np.nan]), np.array([0.0]), F64)


def test_infinity_meets_the_same_infinity():
    assert_close(np.array([np.inf, -np.inf]), np.array([np.inf, -np.inf]), F64)
    with pytest.raises(Mismatch):
        assert_close(np.array([np.inf]), np.array([-np.inf]), F64)
    with pytest.raises(Mismatch):
        assert_close(np.array([1e308]), np.array([np.inf]), F64)


def test_shape_dtype_and_structure_must_agree():
    with pytest.raises(Mismatch, match="shape"):
        assert_close(np.zeros(3), np.zeros((3, 1)), F64)
    with pytest.raises(Mismatch, match="dtype"):
        assert_close(np.zeros(3, np.float64), np.zeros(3, np.float32), Tolerance.default(np.float32))
    with pytest.raises(Mismatch, match="structure"):
        assert_close((np.zeros(2),), (np.zeros(2), np.zeros(2)), F64)


def test_components_are_named_in_messages():
    with pytest.raises(Mismatch, match="c_n"):
        assert_close((np.zeros(2), np.ones(2)), (np.zeros(2), np.zeros(2)), F64, names=("h_n", "c_n"))


def test_integers_compare_exactly():
    assert_close(np.array([1, 2]), np.array([1, 2]), F64)
    with pytest.raises(Mismatch):
        assert_close(np.array([1, 3]), np.array([1, 2]), F64)
    with pytest.raises(Mismatch):
        assert_close(1793, 1792, F64)


def test_stats_report_max_errors():
    s = assert_close(np.array([1.0, 2.0 + 1e-8]), np.array([1.0, 2.0]), F64)
    assert s.max_abs == pytest.approx(1e-8, rel=1e-6)
    assert s.max_rel == pytest.approx(5e-9, rel=1e-6)


def test_ulp_error_is_not_quantised_by_the_truths_rounding():
    with mpmath.workdps(50):
        third = mpmath.mpf(1) / 3
    # 1/3 in float64 is within half an ULP of the truth, and not exactly 0 ULP
    u = ulp_error(np.array([1 / 3]), [third])[0]
    assert 0 < u <= 0.5
    assert ulp_error(np.array([np.nextafter(1 / 3, 1)]), [third])[0] == pytest.approx(1 - u, abs=1e-9)


def test_short_repr_names_functions_without_their_address():
    from formulary.compare import short_repr

    def warmup(epoch):
        return epoch

    text = short_repr((0.1, [warmup, len]))
    assert text == "(0.1, [<function test_short_repr_names_functions_without_their_address.<locals>.warmup>, " \
                   "<builtin_function_or_method len>])", text
