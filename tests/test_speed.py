"""SPEED.md from a pytest-benchmark JSON: ratios against torch, the fastest peer and the floor,
and issue 20's targets judged on them."""

from formulary.report import speed


def _bench(group, side, median, **info):
    return {"group": group, "name": f"test[{side}]", "stats": {"median": median}, "extra_info": {"side": side, **info}}


def _doc():
    act = "act.sigmoid forward n=1e6 float64"
    conv = "cnn.conv2d forward 8×64×56×56, 64 3×3 kernels, padding 1, float32"
    return {"machine_info": {"blas": [{"internal_api": "openblas", "architecture": "Haswell", "num_threads": 2}],
                             "env": {"OPENBLAS_CORETYPE": "Haswell"}},
            "benchmarks": [_bench(act, "impl", 2e-3), _bench(act, "torch", 1e-3), _bench(act, "numpy-ml", 4e-3),
                           _bench(act, "onnx", 3e-3), _bench(act, "floor", 0.2e-3),
                           _bench(conv, "impl", 30e-3), _bench(conv, "torch", 10e-3), _bench(conv, "floor", 25e-3),
                           _bench("growth act.sigmoid n=1000", "impl", 1e-5, growth="act.sigmoid", n=1000)]}


def test_ratios_and_targets():
    rows = {r["group"]: r for r in speed.ratios(_doc())}
    assert set(rows) == {"act.sigmoid forward n=1e6 float64",
                         "cnn.conv2d forward 8×64×56×56, 64 3×3 kernels, padding 1, float32"}  # growth rows apart
    act = rows["act.sigmoid forward n=1e6 float64"]
    assert act["vs"] == {"torch": 2.0, "peer": 2e-3 / 3e-3, "floor": 10.0}  # the faster peer is ONNX's here
    assert [t["met"] for t in act["targets"]] == [True, False]  # ≤ fastest peer; not ≤ 8× floor
    conv = rows["cnn.conv2d forward 8×64×56×56, 64 3×3 kernels, padding 1, float32"]
    assert conv["vs"]["peer"] is None
    assert [(t["bound"], t["met"]) for t in conv["targets"]] == [(1.5, True), (2.0, False)]
    assert conv["targets"][1]["beyond_numpy"] and conv["targets"][1]["floor_vs_torch"] == 2.5  # GEMMs alone: 2.5×


def test_render_states_the_count_the_blas_and_coretype():
    doc = _doc()
    text = speed.render(speed.ratios(doc), doc["machine_info"])
    assert "**Targets: 2 of 4 met**; 1 of the 2 not met are beyond NumPy" in text
    assert "NOT met: ≤ 2× torch (3.00, beyond NumPy: the floor alone is 2.50× torch)" in text
    assert "kernel Haswell" in text and "`OPENBLAS_CORETYPE=Haswell`" in text
    assert "NOT met: ≤ 8× floor (10.00)" in text


def test_growth_curves_are_read_from_extra_info():
    curves = speed.growth(_doc())
    assert curves == {"act.sigmoid": {"impl": [(1000, 1e-5)]}}


def test_oracle_pairs_are_listed_once_and_per_evaluation():
    from formulary.report.speed import oracle_ratios, other_pairs

    def bench(group, side, median, **info):
        return {"group": group, "name": f"{group}[{side}]", "stats": {"median": median},
                "extra_info": {"side": side, **info}}

    data = {"benchmarks": [bench("tpe", "impl", 0.6, oracle="optuna", evaluations=60),
                           bench("tpe", "oracle", 0.3, oracle="optuna", evaluations=60),
                           bench("bobyqa", "impl", 0.2, evaluations=200),
                           bench("bobyqa", "nlopt", 0.01, evaluations=200)]}
    rows = oracle_ratios(data) + other_pairs(data)
    assert [r["group"] for r in rows] == ["tpe", "bobyqa"]
    assert rows[1]["impl_ms"] == 1.0 and rows[1]["oracle_ms"] == 0.05 and rows[1]["ratio"] == 20.0


def test_a_floor_the_op_beats_bounds_nothing():
    # nll's forward reads one element a row: impl under its copy floor, so that floor says nothing of what NumPy can do
    nll = "loss.nll forward 4096x1000 float64"
    doc = {"benchmarks": [_bench(nll, "impl", 0.13e-3), _bench(nll, "torch", 0.03e-3), _bench(nll, "floor", 2.6e-3)]}
    (target,) = speed.ratios(doc)[0]["targets"]
    assert target["met"] is False and target["floor_vs_torch"] > target["bound"] and not target["beyond_numpy"]
