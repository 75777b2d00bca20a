"""Padding ('same' at any stride, 'valid', explicit), stride and dilation: the output sizes and the convolutions."""

from __future__ import annotations

import itertools
import math

import numpy as np
from hypothesis import strategies as st

from formulary.catalog._arguments import named_errors
from formulary.catalog.conv._common import INT, S_PAD, _ints
from formulary.catalog.conv.convolution import FOUR_SIDED_PADDING, SAME_AT_STRIDE, _conv_edge, _conv_error, conv_record
from formulary.judges import judged
from formulary.mistakes import conv as M
from formulary.record import ErrorInput, Mistake, Record, Sample
from formulary.verdict import expect
from reference import tf_judge


def _sizes_grid():
    return [(n, k, s, d) for n in range(1, 10) for k in range(1, 5) for s in range(1, 4) for d in (1, 2)]


def _check_same_sizes(candidate):
    """'same': out = ceil(in / stride) for every size, kernel, stride and dilation; conv2d's output agrees."""
    shape = candidate.get("conv.conv2d_output_shape")
    for n, k, s, d in _sizes_grid():
        got = shape((n, n + 1), k, s, "same", d)
        want = (math.ceil(n / s), math.ceil((n + 1) / s))
        expect(got == want, f"'same' on {(n, n + 1)}, k={k}, s={s}, d={d}: expected {want}, got {got}")
    out = candidate.get("conv.conv2d")(np.zeros((1, 1, 7, 6)), np.zeros((1, 1, 3, 2)), None, 2, "same")
    expect(out.shape[2:] == (4, 3), f"conv2d 'same', stride 2 on 7×6: expected 4×3, got {out.shape[2:]}")
    return {"cases": len(_sizes_grid())}


def _same_by_tensorflow(candidate):
    """tf.nn.conv2d(padding='SAME') against conv2d(padding='same') at strides 1–3 and dilations 1–3, and TensorFlow's
    measured 'SAME' split against same_padding: TensorFlow judges, not reference.conv's transcription of its rule."""
    conv, pads = candidate.get("conv.conv2d"), candidate.get("conv.same_padding")
    rng, cases, worst = np.random.default_rng(16), 0, 0.0
    for hw in ((5, 6), (8, 7)):
        for k in ((1, 2), (2, 2), (3, 2), (4, 3)):
            for s in (1, 2, 3):
                for d in (1, 2, 3):
                    x, w = rng.standard_normal((1, 2, *hw)), rng.standard_normal((2, 2, *k))
                    mine, theirs = np.asarray(conv(x, w, None, s, "same", d)), tf_judge.conv2d_same(x, w, s, d)
                    expect(mine.shape == theirs.shape, f"'same' {hw}, k={k}, s={s}, d={d}: TensorFlow's shape "
                                                       f"{theirs.shape}, candidate {mine.shape}")
                    err = float(np.max(np.abs(mine - theirs), initial=0.0))
                    expect(err <= 1e-12 * max(1.0, float(np.max(np.abs(theirs), initial=0.0))),
                           f"'same' {hw}, k={k}, s={s}, d={d}: candidate differs from tf.nn.conv2d by {err:.3g}")
                    worst, cases = max(worst, err), cases + 1
    splits = 0
    for n, k, s, d in itertools.product(range(1, 10), range(1, 5), range(1, 4), range(1, 3)):
        want, got = tf_judge.same_padding(n, k, s, d), tuple(pads(n, k, s, d))
        expect(got == want, f"same_padding({n}, {k}, {s}, {d}): TensorFlow pads {want}, candidate {got}")
        splits += 1
    return {"tensorflow_conv_cases": cases, "tensorflow_max_abs_diff": worst, "tensorflow_same_splits": splits}


def _check_valid_sizes(candidate):
    """The guide's 'valid' formula floor((in − k) / s) + 1 (dilated kernels: k_eff = d(k − 1) + 1)."""
    shape, size = candidate.get("conv.conv2d_output_shape"), candidate.get("conv.conv2d_output_size")
    cases = 0
    for n, k, s, d in _sizes_grid():
        ext = d * (k - 1) + 1
        if ext > n:
            continue
        want = (n - ext) // s + 1
        got = (shape((n, n), k, s, "valid", d), size(n, k, s, 0, d))
        expect(got == ((want, want), want), f"'valid' n={n}, k={k}, s={s}, d={d}: expected {want}, got {got}")
        cases += 1
    for args, want in ((((7, 6), 3), (5, 4)), (((0, 5), 1, 1, 1), (2, 7))):
        got = shape(*args)
        expect(got == want, f"conv2d_output_shape{args} (the defaults: stride 1, padding 0, dilation 1): expected "
                            f"{want}, got {got}")
    return {"cases": cases + 2}


def _check_custom_sizes(candidate):
    """Explicit (top, bottom, left, right): out = floor((in + p1 + p2 − k) / s) + 1; the guide's
    [[0,0],[1,1],[1,1],[0,0]]."""
    shape = candidate.get("conv.conv2d_output_shape")
    cases = 0
    for n, k, s, _ in _sizes_grid():
        for p1, p2 in ((0, 1), (2, 0), (1, 2)):
            if n + p1 + p2 < k:
                continue
            want = (n + p1 + p2 - k) // s + 1
            got = shape((n, n), k, s, (p1, p2, p2, p1))
            expect(got == (want, want),
                   f"n={n}, k={k}, s={s}, pads ({p1}, {p2}, {p2}, {p1}): expected {(want, want)}, got {got}")
            cases += 1
    expect(shape((28, 28), 3, 1, (1, 1, 1, 1)) == (28, 28), "the guide's padding [[0,0],[1,1],[1,1],[0,0]] keeps 28×28")
    return {"cases": cases}


SIZE_ARGS = ("size", "kernel_size", "stride", "padding", "dilation", "ceil_mode")

RECORDS = (
    conv_record(
        id="cnn.pad.same",
            equation=r"H_\text{out} = \lceil H / s \rceil,\ P = \max((H_\text{out} - 1)s + d(k - 1) + 1 - H, 0),\ "
                        r"(p_\text{top}, p_\text{bottom}) = (\lfloor P/2 \rfloor, \lceil P/2 \rceil)",
        mistakes=[Mistake("symmetric-padding", "d(k − 1)/2 zeros on both sides whatever the stride",
                          M.conv2d_same_symmetric),
         Mistake("extra-row-first", "the odd extra row and column at the top and left", M.conv2d_same_extra_first),
         Mistake("same-floor", "'same' giving floor(n / s)", M.output_shape_same_floor, "conv.conv2d_output_shape")],
        section=S_PAD,
        strategy={"kernel": (1, 4), "stride": (1, 3), "dilation": (1, 2), "padding": "same"},
        edges=[lambda dt: _conv_edge(dt, (1, 1, 6, 6), (1, 1, 3, 3), True, "6×6, 3×3, stride 2: one extra row/column",
                                     stride=2, padding="same"),
               lambda dt: _conv_edge(dt, (1, 2, 5, 4), (2, 2, 2, 2), False, "even kernel, stride 1", padding="same"),
               lambda dt: _conv_edge(dt, (1, 1, 7, 8), (1, 1, 3, 3), True, "7×8, stride 3", stride=3, padding="same"),
               lambda dt: _conv_edge(dt, (1, 1, 5, 6), (1, 1, 2, 3), True, "dilation 2, stride 2", stride=2,
                                     dilation=2, padding="same")],
        check=judged(_check_same_sizes, _same_by_tensorflow, by="tf.nn.conv2d(padding='SAME') at strides 1–3, "
                     "dilations 1–3, and its 'SAME' split measured",
                         otherwise="the hand-written rule (reference.conv)"), deviations=[SAME_AT_STRIDE],
        notes="torch refuses padding='same' at stride > 1; the reference pads by TensorFlow's documented rule with "
              "F.pad, then convolves. With TensorFlow installed, tf.nn.conv2d(padding='SAME') judges too.",
    ),
    Record(
        id="cnn.pad.same/padding", kind="F", section=S_PAD,
        equation=r"P = \max(k_\text{eff} - (n \bmod s \text{ or } s),\ 0),\quad (\lfloor P/2 \rfloor,\ P - \lfloor P/2 "
                 r"\rfloor)",
        candidate="conv.same_padding", reference="conv.same_padding", dtypes=INT,
        inputs=lambda dt: st.builds(lambda n, k, s, d: Sample((n, k, s, d)), _ints(1, 12), _ints(1, 5), _ints(1, 4),
                                    _ints(1, 3)),
        edges=lambda dt: [Sample((6, 3, 2, 1), {}, "odd total: the extra one after"),
                          Sample((7, 3, 3, 1), {}, "stride 3"),
                          Sample((6, 3), {}, "the defaults: stride 1, dilation 1"),
                          Sample((0, 3, 1, 1), {}, "an empty axis: k − 1 zeros")],
        mistakes=(Mistake("extra-before", "the odd extra row/column before (top/left)", M.same_padding_extra_before),
                  Mistake("stride-ignored", "the stride-1 padding d(k − 1) at every stride",
                          M.same_padding_ignores_stride)),
        errors=named_errors(("size", "kernel_size", "stride", "dilation"), (6, 3, 1, 1), {},
                            [("size", -1), ("kernel_size", 0), ("stride", 0), ("dilation", 0)]),
    ),
    conv_record(
        id="cnn.pad.valid", equation=r"H_\text{out} = \left\lfloor \frac{H - k}{s} \right\rfloor + 1",
        mistakes=[Mistake("padded-anyway", "'valid' still padded by (k − 1)/2", M.conv2d_valid_as_same),
         Mistake("no-plus-one", "floor((n − k)/s) without the + 1", M.output_shape_valid_no_plus_one,
                 "conv.conv2d_output_shape")],
        section=S_PAD,
        strategy={"kernel": (1, 4), "stride": (1, 3), "dilation": (1, 2), "padding": "valid"},
        edges=[lambda dt: _conv_edge(dt, (1, 2, 7, 6), (2, 2, 3, 3), True, "3×3 'valid'", padding="valid")],
        check=_check_valid_sizes,
        errors=[_conv_error((1, 1, 2, 2), (1, 1, 3, 3), "3×3 kernel over 2×2", r"\bkernel_size\b", padding="valid"),
                *named_errors(("input_size", "kernel_size", "stride", "padding", "dilation"), ((7, 6), 3, 1, 0, 1),
                              {}, [("input_size", (7, -1)), ("kernel_size", (3, 0)), ("stride", (0, 1)),
                                   ("stride", (1, 1, 1)), ("dilation", 0), ("dilation", (1, 0))],
                              target="conv.conv2d_output_shape")],
    ),
    conv_record(
        id="cnn.pad.custom",
            equation=r"H_\text{out} = \left\lfloor \frac{H + p_\text{top} + p_\text{bottom} - k}{s} \right\rfloor + 1",
        mistakes=[Mistake("f-pad-order", "(top, bottom, left, right) read in F.pad's order (left, right, top, bottom)",
                          M.conv2d_pad_tuple_as_f_pad),
         Mistake("symmetric", "top and left padding used on both sides", M.conv2d_pad_tuple_symmetric)],
        section=S_PAD,
        strategy={"kernel": (1, 3), "stride": (1, 2), "padding": "tuple4"},
        edges=[lambda dt: _conv_edge(dt, (1, 1, 5, 6), (1, 1, 3, 3), True, "(top, bottom, left, right) = (0, 2, 1, 0)",
                                     padding=(0, 2, 1, 0)),
               lambda dt: _conv_edge(dt, (1, 2, 4, 4), (1, 2, 3, 3), True, "the guide's [[0,0],[1,1],[1,1],[0,0]]",
                                     padding=(1, 1, 1, 1))],
        check=_check_custom_sizes, deviations=[FOUR_SIDED_PADDING],
        errors=[_conv_error((1, 1, 5, 5), (1, 1, 3, 3), "padding='full'", r"\bpadding\b", padding="full"),
                _conv_error((1, 1, 5, 5), (1, 1, 3, 3), "three values", r"\bpadding\b", padding=(1, 1, 1)),
                _conv_error((1, 1, 5, 5), (1, 1, 3, 3), "negative", r"\bpadding\b", padding=(1, -1, 0, 0)),
                _conv_error((1, 1, 1, 9), (1, 1, 5, 1), "a 5-row kernel over 1 row padded (1, 2)",
                            r"kernel_size 5 \(dilated extent 5\) is larger than the padded input \(1 \+ 1 \+ 2 = 4\)",
                            padding=(1, 2, 0, 0))],
    ),
    conv_record(
        id="cnn.stride_dilation",
            equation=r"H_\text{out} = \left\lfloor \frac{H + 2p_h - d_h(k_h - 1) - 1}{s_h} \right\rfloor + 1",
        mistakes=[Mistake("stride-dilation-swapped", "stride and dilation in each other's place",
                          M.conv2d_stride_dilation_swapped),
         Mistake("dilation-ignored", "dilation accepted and ignored", M.conv2d_dilation_ignored)],
        section=S_PAD,
        strategy={"kernel": (1, 3), "stride": (1, 3), "dilation": (1, 3)},
        edges=[lambda dt: _conv_edge(dt, (1, 1, 9, 8), (1, 1, 3, 2), True, "stride (2, 3), dilation (3, 2)",
                                     stride=(2, 3), dilation=(3, 2), padding=(1, 0)),
               lambda dt: _conv_edge(dt, (2, 1, 9, 8), (1, 1, 3, 2), True,
                                     "1-sequences: stride=(2,), dilation=(2,), padding=(1,)",
                                     stride=(2,), dilation=(2,), padding=(1,)),
               lambda dt: _conv_edge(dt, (1, 2, 9, 8), (2, 2, 2, 3), False,
                                     "lists: stride=[2, 1], dilation=[1, 2], padding=[1, 0]",
                                     stride=[2, 1], dilation=[1, 2], padding=[1, 0]),
               lambda dt: _conv_edge(dt, (2, 7, 8), (3, 2, 3, 3), True, "unbatched, stride (2, 1), dilation 2",
                                     stride=(2, 1), dilation=2)],
        errors=[_conv_error((1, 1, 5, 5), (1, 1, 3, 3), "negative stride", r"\bstride\b", stride=-1),
                _conv_error((1, 1, 5, 5), (1, 1, 3, 3), "stride=() (torch: an error for conv2d)",
                            r"\bstride\b.*0 values", stride=()),
                _conv_error((1, 1, 5, 5), (1, 1, 3, 3), "dilation=()", r"\bdilation\b.*0 values", dilation=()),
                _conv_error((1, 1, 5, 5), (1, 1, 3, 3), "padding=()", r"\bpadding\b.*0", padding=()),
                _conv_error((1, 1, 5, 5), (1, 1, 3, 3), "three strides", r"\bstride\b.*3 values", stride=(1, 1, 1)),
                _conv_error((1, 1, 5, 5), (1, 1, 3, 3), "dilation 0", r"\bdilation\b", dilation=0),
                _conv_error((1, 1, 5, 5), (1, 1, 3, 3), "stride 1.5", r"\bstride\b", TypeError, stride=1.5)],
    ),
    Record(
        id="cnn.pad.custom/conv_padding", kind="F", section=S_PAD,
        equation=r"\text{valid}: (0, 0, 0, 0),\ p: (p, p, p, p),\ (p_h, p_w): (p_h, p_h, p_w, p_w),\ "
                 r"(t, b, l, r) \text{ as given},\ \text{same: TensorFlow's split per axis}",
        candidate="conv.conv_padding", reference="conv.conv_padding", dtypes=INT,
        inputs=lambda dt: st.builds(
            lambda spec, n, m, k, s, d: Sample((spec, (n, m), k, s, d)),
            st.one_of(st.sampled_from(["valid", "same"]), _ints(0, 3), st.tuples(_ints(0, 3)),
                      st.tuples(_ints(0, 3), _ints(0, 3)), st.tuples(*[_ints(0, 3)] * 4)),
            _ints(0, 9), _ints(1, 9), _ints(1, 4), _ints(1, 3), _ints(1, 2)),
        edges=lambda dt: [Sample(("same", (6, 7), 3), {}, "the defaults: stride 1, dilation 1"),
                          Sample(("same", (0, 5), (3, 2), (1, 2), 1), {}, "an empty axis"),
                          Sample(([2, 1], (5, 5), 3), {}, "a list (h, w)")],
        mistakes=(Mistake("same-symmetric", "'same' padded d(k − 1)/2 on both sides whatever the stride",
                          M.conv_padding_same_symmetric),),
        errors=(*named_errors(("padding", "input_size", "kernel_size", "stride", "dilation"), ("same", (6, 7), 3, 1, 1),
                              {}, [("input_size", (6, -1)), ("kernel_size", (3, 0)), ("stride", 0), ("dilation", 0),
                                   ("padding", (1, 1, 1)), ("padding", -1), ("padding", (0, 0, 0, -1)),
                                   ("padding", "full")]),),
        notes="The reference states the rules independently of impl: TensorFlow's documented 'same' split, torch's "
              "symmetric int and (h, w) padding, the guide's 4-tuple.",
    ),
    Record(
        id="cnn.stride_dilation/output_size", kind="F", section=S_PAD,
        equation=r"n_\text{out} = \left\lfloor \frac{n + 2p - d(k - 1) - 1}{s} \right\rfloor + 1 "
                 r"\ (\lceil\cdot\rceil \text{ with ceil\_mode, minus a window that would start in the right padding})",
        candidate="conv.conv2d_output_size", reference="conv.conv2d_output_size", dtypes=INT,
        inputs=lambda dt: st.builds(
            lambda n, k, s, p, d, c: Sample((n, k, s, min(p, k // 2) if c else p, d, c)),
            _ints(1, 12), _ints(1, 4), _ints(1, 4), _ints(0, 3), _ints(1, 3), st.booleans()).filter(
            lambda smp: smp.args[0] + 2 * smp.args[3] >= smp.args[4] * (smp.args[1] - 1) + 1),
        edges=lambda dt: [Sample((5, 2, 2, 1, 1, True), {}, "ceil_mode: the last window would start in the padding"),
                          Sample((9, 3, 2, 0, 3, False), {}, "dilation 3"),
                          Sample((7, 1, 4, 0, 1, False), {}, "stride 4: a partial last window, dropped"),
                          Sample((7, 3), {}, "the defaults: stride 1, padding 0, dilation 1, floor"),
                          Sample((0, 1, 1, 1, 1, False), {}, "an empty axis, padded: 2 windows")],
        mistakes=(Mistake("rounded", "rounded to nearest instead of floored", M.output_size_rounded),
                  Mistake("dilation-ignored", "dilation left out", M.output_size_no_dilation),
                  Mistake("ceil-without-rule", "ceil_mode as a bare ceiling", M.output_size_ceil_without_rule)),
        errors=(ErrorInput(Sample((2, 3)), ValueError, r"\bkernel_size\b"),
                ErrorInput(Sample((5, 3), {"padding": True}), TypeError, r"\bpadding\b"),
                *named_errors(SIZE_ARGS, (5, 3, 1, 0, 1, False), {},
                              [("size", -1), ("kernel_size", 0), ("stride", 0), ("padding", -1), ("dilation", 0),
                               ("size", 5.0, TypeError), ("ceil_mode", 1, TypeError)])),
        notes="The reference is the height of torch's own output on a meta tensor (conv2d; max_pool2d for ceil_mode).",
    ),

)
