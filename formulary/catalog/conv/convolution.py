"""Convolution records: one channel, several channels and kernels, groups, the guide's layout."""


from __future__ import annotations

import numpy as np
import torch
from hypothesis import strategies as st

from formulary.candidate import reference
from formulary.catalog._arguments import named_errors
from formulary.catalog.conv._common import EXACT, S_CONV, _compact, _dense, _ints, _values
from formulary.compare import assert_close
from formulary.mistakes import conv as M
from formulary.record import Deviation, ErrorInput, Mistake, Record, Sample, Tolerance
from formulary.verdict import expect

# -- convolution samples ------------------------------------------------------------------

def _padding(mode: str) -> st.SearchStrategy:
    return {
        "int": st.one_of(_ints(0, 2), st.tuples(_ints(0, 2), _ints(0, 2))),
        "valid": st.just("valid"),
        "same": st.just("same"),
        "tuple4": st.tuples(_ints(0, 2), _ints(0, 2), _ints(0, 2), _ints(0, 2)),
    }[mode]


def _pad_sums(padding) -> tuple[int, int]:
    """Rows and columns of explicit padding ('valid': none), for the smallest input that fits the kernel."""
    if padding == "valid":
        return 0, 0
    if isinstance(padding, int):
        return 2 * padding, 2 * padding
    if len(padding) == 2:
        return 2 * padding[0], 2 * padding[1]
    return padding[0] + padding[1], padding[2] + padding[3]


BIAS = st.booleans()  # with a bias or without, by default


@st.composite
def conv_samples(draw, dt, *, c_in=(1, 3), c_out=(1, 3), groups=(1,), kernel=(1, 3), stride=(1, 1), dilation=(1, 1),
                 padding="int", bias=BIAS, nhwc=False):
    """conv2d's (input, weight, bias) and options; shapes small, values in [-2, 2]."""
    g = draw(st.sampled_from(groups))
    ci, co = g * draw(_ints(*c_in)), g * draw(_ints(*c_out))
    k = (draw(_ints(*kernel)), draw(_ints(*kernel)))
    s = (draw(_ints(*stride)), draw(_ints(*stride)))
    d = (draw(_ints(*dilation)), draw(_ints(*dilation)))
    pad = draw(_padding(padding))
    least = [1, 1] if pad == "same" else [max(1, dd * (kk - 1) + 1 - ps) for kk, dd, ps in zip(k, d, _pad_sums(pad))]
    hw = [m + draw(_ints(0, 3)) for m in least]
    n = draw(_ints(1, 2))
    x = _dense(draw, dt, (n, ci, *hw), -2.0, 2.0)
    w = _dense(draw, dt, (co, ci // g, *k), -2.0, 2.0)
    b = _dense(draw, dt, (co,), -2.0, 2.0) if draw(bias) else None
    if nhwc:
        return Sample((x.transpose(0, 2, 3, 1).copy(), w.transpose(2, 3, 1, 0).copy(), b),
                      {"strides": _compact(s), "padding": pad, "dilations": _compact(d)})
    if n == 1 and draw(st.booleans()):
        x = x[0]  # torch's unbatched (C, H, W)
    return Sample((x, w, b), {"stride": _compact(s), "padding": pad, "dilation": _compact(d), "groups": g})


def _conv_edge(dt, x_shape, w_shape, bias: bool, note: str, seed: int = 0, **kwargs) -> Sample:
    x, w = _values(dt, x_shape, seed), _values(dt, w_shape, seed + 1)
    b = _values(dt, (w_shape[0],), seed + 2) if bias else None
    return Sample((x, w, b), kwargs, note)


def _special_input(dt) -> Sample:
    """inf, -inf and NaN in the input: inf·w sums to ±inf, inf − inf and NaN give NaN, as in torch."""
    x = _values(dt, (1, 2, 5, 5), 7)
    x[0, 0, 2, 2], x[0, 1, 0, 0], x[0, 1, 4, 4] = np.inf, np.nan, -np.inf
    return Sample((x, _values(dt, (3, 2, 3, 3), 8), _values(dt, (3,), 9)), {"padding": 1}, "inf, -inf and NaN inputs")


def _overflowing(dt, nhwc: bool = False) -> Sample:
    """Products past the dtype's largest finite value: every output is +inf, and a −inf bias makes one channel
    inf − inf = NaN, as in torch (impl's overflow and invalid are deliberate, and must not warn)."""
    big = float(np.sqrt(np.finfo(dt).max)) * 2
    x, w = np.full((1, 2, 4, 4), big, dt), np.full((2, 2, 2, 2), big, dt)
    b = np.array([0.0, -np.inf], dt)
    if nhwc:
        x, w = x.transpose(0, 2, 3, 1).copy(), w.transpose(2, 3, 1, 0).copy()
    return Sample((x, w, b), {}, "overflow to +inf; a −inf bias gives inf − inf = NaN")


def _chunked(dt) -> Sample:
    """A batch whose im2col columns fill more than one 8 MB chunk, the last one short (float64: 6, 6 and 1 images).
    float64 only: in float32 the weight gradient sums 30 000 products, and two float32 sums of that length (impl's,
    torch's) differ by more than float32's tolerance; the chunking itself does not look at the dtype."""
    if np.dtype(dt) != np.float64:
        return _conv_edge(dt, (3, 8, 6, 6), (2, 8, 3, 3), True, "8 channels (float32: the chunked case is float64's)",
                          padding=1)
    return _conv_edge(dt, (13, 8, 48, 48), (2, 8, 3, 3), True, "13 images of 8×48×48: three im2col chunks",
                      padding=1)


def _six_maps_six_neurons(candidate):
    """Against line 648: six 10×10 kernels on one channel have 6 × 101 parameters, each map its own 101."""
    params = candidate.get("counting.conv2d_params")
    one, six = params(1, 1, 10), params(1, 6, 10)
    expect(one == 101 and six == 606 == 6 * one, f"one 10×10 kernel with bias: {one}; six: {six} (expected 101, 606)")
    return {"parameters of one map": one, "parameters of six maps": six}


def conv_record(*, id, equation, mistakes, section=S_CONV, strategy=None, edges=(), errors=(), check=None,
                deviations=(),
                notes=""):
    """A conv2d comparison record: forward and backward (input, weight and bias) against torch."""
    options = {} if strategy is None else strategy
    return Record(
        id=id, kind="F", section=section, equation=equation,
        candidate="conv.conv2d", reference="conv.conv2d", backward="conv.conv2d_backward", grad_args=(0, 1, 2),
        inputs=lambda dt: conv_samples(dt, **options),
        edges=lambda dt: [e(dt) for e in edges],
        mistakes=tuple(mistakes), errors=tuple(errors), check=check, deviations=tuple(deviations), notes=notes,
    )


def _conv_error(x_shape, w_shape, note, match, error=ValueError, bias=None, **kwargs) -> ErrorInput:
    return ErrorInput(Sample((np.zeros(x_shape), np.zeros(w_shape), bias), kwargs, note), error, match)


def _torch_conv_no_input_channels(candidate):
    """An input with C_in = 0 (and kernels 0 deep): every output is the empty sum 0 plus the bias."""
    x, w, b = np.zeros((2, 0, 5, 5)), np.zeros((3, 0, 3, 3)), np.array([1.0, -2.0, 0.5])
    theirs = reference("conv.conv2d")(_torch(x), _torch(w), _torch(b))
    expect(tuple(theirs.shape) == (2, 0, 3, 3), f"torch now gives shape {tuple(theirs.shape)}: drop the deviation")
    mine = candidate.get("conv.conv2d")(x, w, b)
    expect(mine.shape == (2, 3, 3, 3) and np.array_equal(mine, np.broadcast_to(b.reshape(1, 3, 1, 1), mine.shape)),
           f"candidate gives shape {mine.shape}; expected (2, 3, 3, 3), each map its bias")


NO_INPUT_CHANNELS = Deviation(
    "an input with no channels (C_in = 0, kernels 0 deep): torch returns an output with 0 channels, (N, 0, H_out, "
    "W_out), whatever C_out; impl returns (N, C_out, H_out, W_out), each map the empty sum 0 plus its bias",
    "torch's shortcut for empty inputs copies the input's channel count to the output; the formula's empty sum is 0",
    _torch_conv_no_input_channels)


def _torch_refuses(padding, stride, what):
    """torch's F.conv2d raises for the guide's padding form; impl computes it (judged against F.pad + F.conv2d)."""
    def demonstrate(candidate):
        x, w = _values(np.float64, (1, 1, 6, 6), 31), _values(np.float64, (1, 1, 3, 3), 32)
        try:
            torch.nn.functional.conv2d(_torch(x), _torch(w), None, stride, padding)
            raised = False
        except RuntimeError:
            raised = True
        expect(raised, f"torch now accepts {what}: compare with torch directly and drop the deviation")
        mine = candidate.get("conv.conv2d")(x, w, None, stride, padding)
        theirs = reference("conv.conv2d")(_torch(x), _torch(w), None, stride, padding).numpy()  # F.pad, then F.conv2d
        assert_close(mine, theirs, Tolerance.default(np.float64), names=(what,))
    return demonstrate


SAME_AT_STRIDE = Deviation(
    "padding='same' at a stride above 1: torch raises ('not supported for strided convolutions'); impl pads by "
    "TensorFlow's rule, the guide's (output ceil(H / s), the odd extra row and column at the bottom and right)",
    "the guide teaches TensorFlow's 'same' at any stride; the reference pads with F.pad by TensorFlow's documented "
    "rule and convolves with F.conv2d", _torch_refuses("same", 2, "padding='same' at stride 2"),
        source="guide convention")

FOUR_SIDED_PADDING = Deviation(
    "padding=(top, bottom, left, right): torch's conv2d raises (it takes 1 or 2 values); impl pads each side as "
    "given, the guide's explicit padding",
    "the guide's explicit padding [[0,0],[1,1],[1,1],[0,0]] pads the four sides separately; the reference is F.pad "
    "then F.conv2d", _torch_refuses((0, 2, 1, 0), 1, "padding=(0, 2, 1, 0)"), source="guide convention")


# -- the guide's single-channel example ------------------------------------------------------

# The guide prints only the first 3×3 window of its 5×5 image (the figure is lost); the
# other entries here are ours, asymmetric so that a flipped kernel changes the map.
GUIDE_IMAGE = np.array([[1, 0, 2, 3, 1],
                        [5, 4, 2, 0, 2],
                        [3, 4, 5, 1, 0],
                        [0, 2, 1, 4, 3],
                        [2, 1, 0, 3, 5]], dtype=np.float64).reshape(1, 1, 5, 5)
GUIDE_KERNEL = np.array([[-1, 0, 1]] * 3, dtype=np.float64).reshape(1, 1, 3, 3)


def _check_single_example(candidate):
    conv2d = candidate.get("conv.conv2d")
    out = conv2d(GUIDE_IMAGE, GUIDE_KERNEL, np.array([1.0]))
    expect(out.shape == (1, 1, 3, 3), f"a 3×3 kernel over 5×5 gives 3×3, got {out.shape}")
    expect(out[0, 0, 0, 0] == 1.0, f"the guide's first output is 1, got {out[0, 0, 0, 0]}")
    torch_out = reference("conv.conv2d")(*[_torch(a) for a in (GUIDE_IMAGE, GUIDE_KERNEL, np.array([1.0]))]).numpy()
    assert_close(out, torch_out, EXACT, names=("feature map",))
    return {"first output": float(out[0, 0, 0, 0]), "feature map": out[0, 0].tolist()}


def _torch(a):
    return torch.from_numpy(np.array(a))


# -- what the convolution records check beyond torch ---------------------------------------

def _check_multichannel(candidate):
    """A 3×3×3 kernel over an RGB image: one map, the sum of three single-channel maps, plus one bias."""
    conv2d = candidate.get("conv.conv2d")
    x, w, b = _values(np.float64, (2, 3, 6, 6), 11), _values(np.float64, (1, 3, 3, 3), 12), np.array([0.5])
    out = conv2d(x, w, b)
    per_channel = sum(conv2d(x[:, c : c + 1], w[:, c : c + 1]) for c in range(3)) + 0.5
    expect(out.shape == (2, 1, 4, 4), f"one kernel gives one channel, got shape {out.shape}")
    assert_close(out, per_channel, Tolerance.default(np.float64), names=("output",))
    expect(w.size == 27, "27 weights and one bias")
    return {"weights": int(w.size), "biases": int(b.size)}


def _check_multikernel(candidate):
    """Kernels stacked: output channel o is kernel o's map plus bias o alone."""
    conv2d = candidate.get("conv.conv2d")
    x, w, b = _values(np.float64, (1, 3, 5, 5), 21), _values(np.float64, (2, 3, 3, 3), 22), np.array([1.0, -1.0])
    out = conv2d(x, w, b)
    expect(out.shape[1] == 2, f"output channels = number of kernels (2), got {out.shape[1]}")
    for o in range(2):
        assert_close(out[:, o : o + 1], conv2d(x, w[o : o + 1], b[o : o + 1]), Tolerance.default(np.float64),
                     names=(f"channel {o}",))
    return {"kernels": 2, "output channels": int(out.shape[1])}


def _check_layout(candidate):
    """X [1, h, w, 3] with W [k, k, 3, 2] (the guide's figure) equals NCHW conv2d on the transposed arrays."""
    nhwc, nchw = candidate.get("conv.conv2d_nhwc"), candidate.get("conv.conv2d")
    x, w = _values(np.float64, (1, 6, 7, 3), 31), _values(np.float64, (3, 3, 3, 2), 32)
    for padding, strides in (("valid", 1), ("same", 2)):
        out = nhwc(x, w, None, strides, padding)
        expect(out.shape[-1] == 2, f"[k, k, 3, 2] gives 2 output channels, got shape {out.shape}")
        same = nchw(x.transpose(0, 3, 1, 2).copy(), w.transpose(3, 2, 0, 1).copy(), None, strides,
                    padding).transpose(0, 2, 3, 1)
        assert_close(out, same, Tolerance.default(np.float64), names=(f"NHWC vs NCHW, {padding}",))
    return {"output shape (same, stride 2)": list(out.shape)}


CONV_ARGS = ("input", "weight", "bias", "stride", "padding", "dilation", "groups")  # conv2d's, in order
CONV_EQ = r"y_{n,o,i,j} = b_o + \sum_{c,u,v} w_{o,c,u,v}\,\tilde x_{n,c,\,s_h i + d_h u,\,s_w j + d_w v}"

RECORDS = (
    conv_record(
        id="cnn.conv.single",
            equation=r"y_{i,j} = b + \sum_{u,v} w_{u,v}\, x_{i+u,\,j+v} \quad \text{(one channel, one kernel)}",
        mistakes=[Mistake("flipped-kernel",
                          "the textbook convolution (kernel rotated 180°); frameworks cross-correlate",
                              M.conv2d_flipped_kernel),
         Mistake("bias-forgotten", "the bias left out", M.conv2d_bias_forgotten),
         Mistake("backward-input-unflipped", "the input's gradient spread with the kernel unrotated",
                 M.conv2d_backward_input_unflipped, "backward"),
         Mistake("backward-bias-mean", "the bias gradient averaged instead of summed", M.conv2d_backward_bias_mean,
                 "backward")],
        strategy={"c_in": (1, 1), "c_out": (1, 1), "kernel": (1, 4), "stride": (1, 2), "bias": st.just(True)},
        edges=[lambda dt: _conv_edge(dt, (1, 1, 5, 5), (1, 1, 3, 3), True, "5×5 image, 3×3 kernel"),
               lambda dt: _conv_edge(dt, (0, 1, 5, 5), (1, 1, 3, 3), True, "empty batch"),
               lambda dt: _conv_edge(dt, (0, 1, 4, 5), (1, 1, 3, 3), True, "empty batch, padded, strided", padding=1,
                                     stride=2),
               lambda dt: _conv_edge(dt, (1, 5, 5), (1, 1, 3, 3), True, "unbatched (1, H, W)")],
        errors=[_conv_error((1, 1, 5, 5), (1, 1, 3, 3), "stride 0", r"\bstride\b", stride=0)],
    ),
    Record(
        id="cnn.conv.single.example", kind="E", section=S_CONV,
        equation=r"(-1)\cdot1 + 0\cdot0 + 1\cdot2 + (-1)\cdot5 + 0\cdot4 + 1\cdot2 + (-1)\cdot3 + 0\cdot4 + 1\cdot5 + "
                 r"1 = 1",
        check=_check_single_example,
        mistakes=(Mistake("bias-forgotten", "the bias left out (the guide: 注意不要忘记加偏置)",
                          M.conv2d_bias_forgotten, "conv.conv2d"),
                  Mistake("flipped-kernel", "the kernel rotated 180°", M.conv2d_flipped_kernel, "conv.conv2d")),
        notes="The guide prints only the first 3×3 window of its 5×5 image; the remaining entries are ours, and the "
              "whole 3×3 map is held against torch. The printed window cannot tell convolution from cross-correlation "
              "(both give 1): the kernel's columns are antisymmetric and the window's row sums balance.",
    ),
    conv_record(
        id="cnn.conv.multichannel", equation=CONV_EQ
            + r"\quad (C_\text{in} > 1:\ \text{the kernel is as deep as the input})",
        mistakes=[Mistake("channels-summed-first", "input channels summed, then convolved with the summed kernel",
                          M.conv2d_channels_summed_first),
         Mistake("bias-per-channel", "the bias added once per input channel", M.conv2d_bias_per_channel),
         Mistake("backward-weight-first-sample", "the kernel's gradient from the first image only",
                 M.conv2d_backward_weight_first_sample, "backward")],
        strategy={"c_in": (2, 3), "c_out": (1, 1), "stride": (1, 2)},
        edges=[lambda dt: _conv_edge(dt, (2, 3, 5, 5), (1, 3, 3, 3), True, "RGB image, a 3×3×3 kernel"),
               _special_input, _overflowing,
               _chunked],
        check=_check_multichannel, deviations=[NO_INPUT_CHANNELS],
        errors=[_conv_error((1, 3, 5, 5), (2, 2, 3, 3), "3 input channels, kernels 2 deep",
                            r"\bweight\b.*input channels")],
    ),
    conv_record(
        id="cnn.conv.multikernel", equation=CONV_EQ + r"\quad (C_\text{out} \text{ kernels}, \text{ one bias each})",
        mistakes=[Mistake("shared-bias", "one bias for every kernel", M.conv2d_shared_bias),
         Mistake("kernels-reversed", "output channels stacked in reverse kernel order", M.conv2d_kernels_reversed),
         Mistake("backward-bias-mean", "the bias gradient averaged instead of summed", M.conv2d_backward_bias_mean,
                 "backward")],
        strategy={"c_in": (1, 3), "c_out": (2, 3), "stride": (1, 2), "bias": st.just(True)},
        edges=[lambda dt: _conv_edge(dt, (1, 3, 6, 6), (2, 3, 3, 3), True,
                                     "3 channels, 2 kernels (the guide's figure)"),
               lambda dt: _conv_edge(dt, (3, 6, 5), (2, 3, 3, 3), True, "unbatched (C, H, W)", padding=1),
               lambda dt: _conv_edge(dt, (3, 5, 6), (2, 3, 3, 2), False, "unbatched, padding='same'", padding="same"),
               lambda dt: _conv_edge(dt, (3, 7, 6), (2, 3, 3, 3), True, "unbatched, stride 2, padding 'valid'",
                                     stride=2, padding="valid")],
        check=_check_multikernel,
        deviations=[Deviation("line 648: six kernels give six feature maps, and 'these six feature maps together are "
                              "one "
                              "neuron' (将这6个Feature Map组成一起就是一个神经元), with 101 × 6 = 606 parameters",
                              "each map is its own neuron (one kernel and one bias, 10 × 10 + 1 = 101 weights, shared "
                              "over "
                              "positions): six maps are six neurons, which is why the count is 6 × 101",
                                  _six_maps_six_neurons,
                              source="guide")],
        errors=[_conv_error((1, 3, 5, 5), (2, 3, 3, 3), "3 biases for 2 kernels", r"\bbias\b", bias=np.zeros(3)),
                _conv_error((1, 3, 5, 5), (0, 3, 3, 3), "no kernels (torch: weight needs at least 1)",
                            r"\bweight\b.*at least 1 output channel"),
                _conv_error((1, 3, 5, 5), (2, 3, 3, 3), "0-d bias (torch: 1-D)", r"\bbias\b.*1-D", bias=np.zeros(())),
                _conv_error((5, 5), (2, 3, 3, 3), "2-D input", r"\binput\b must be 4-D.*or 3-D unbatched"),
                _conv_error((1, 1, 3, 5, 5), (2, 3, 3, 3), "5-D input", r"\binput\b must be 4-D.*or 3-D unbatched"),
                _conv_error((1, 3, 5, 5), (2, 3, 3), "3-D weight", r"\bweight\b must be 4-D"),
                _conv_error((2, 3, 0, 5), (2, 3, 3, 3), "no rows, padded (torch: only N or C may be empty)",
                            r"\binput\b.*only the batch N or the channels C",
                            padding=2),
                ErrorInput(Sample((np.zeros((1, 3, 5, 5), np.int64), np.zeros((2, 3, 3, 3), np.int64)), {},
                                  "integer input (out of impl's scope)"),
                           TypeError, r"\binput\b.*float32 or float64"),
                ErrorInput(Sample((np.zeros((1, 3, 5, 5)), np.zeros((2, 3, 3, 3), np.float32)), {},
                                  "float32 weight, float64 input"),
                           TypeError, r"\bweight\b.*dtype")],
    ),
    conv_record(
        id="cnn.conv.multikernel/groups", equation=CONV_EQ
            + r"\quad (c \in \text{the group of } o:\ C_\text{in}/g \text{ channels})",
        mistakes=[Mistake("groups-swapped", "each group of kernels applied to the wrong input channels",
                          M.conv2d_groups_swapped),
         Mistake("backward-weight-first-sample", "the kernel's gradient from the first image only",
                 M.conv2d_backward_weight_first_sample, "backward")],
        strategy={"groups": (1, 2, 3), "c_in": (1, 2), "c_out": (1, 2), "stride": (1, 2), "dilation": (1, 2)},
        edges=[lambda dt: _conv_edge(dt, (2, 4, 5, 5), (6, 2, 3, 3), True, "groups=2", groups=2),
               lambda dt: _conv_edge(dt, (1, 3, 5, 5), (3, 1, 3, 3), False, "depthwise, groups=3", groups=3),
               lambda dt: _conv_edge(dt, (4, 5, 5), (6, 2, 3, 3), True, "unbatched, groups=2", groups=2)],
        errors=[_conv_error((1, 3, 5, 5), (2, 1, 3, 3), "groups=2 with 3 channels", r"\bgroups\b", groups=2),
                _conv_error((1, 4, 5, 5), (2, 1, 3, 3), "kernels 1 deep, groups=2 of 4 channels",
                            r"\bweight\b has 1 input channels per group.*groups=2 \(expected 2\)", groups=2),
                _conv_error((1, 4, 5, 5), (3, 2, 3, 3), "groups=2 divides the 4 channels, not the 3 kernels",
                            r"groups=2 must divide.*3 kernels", groups=2),
                *named_errors(CONV_ARGS, (np.zeros((1, 2, 5, 5)), np.zeros((2, 1, 3, 3)), None), {"groups": 2},
                              [("groups", 0), ("groups", 2.0, TypeError),
                               ("bias", np.zeros(2, np.float32), TypeError)]),
                *named_errors(("grad_output", *CONV_ARGS),
                              (np.zeros((1, 2, 3, 3)), np.zeros((1, 2, 5, 5)), np.zeros((2, 1, 3, 3)), np.zeros(2)),
                              {"groups": 2}, [("grad_output", np.zeros((1, 2, 3, 3), np.float32), TypeError),
                                              ("grad_output", np.zeros((1, 2, 3, 4))),
                                              ("grad_output", np.zeros((2, 3, 3)))], target="backward")],
    ),
    Record(
        id="cnn.conv.layout", kind="F", section=S_CONV,
        equation=r"X: [N, H, W, C_\text{in}],\ W: [k, k, C_\text{in}, C_\text{out}] \to [N, H', W', "
                 r"C_\text{out}],\quad "
                 r"y_{n,i,j,o} = b_o + \sum_{u,v,c} \tilde x_{n,\,s i + d u,\,s j + d v,\,c}\, W_{u,v,c,o}",
        candidate="conv.conv2d_nhwc", reference="conv.conv2d_nhwc",
        inputs=lambda dt: st.sampled_from(["valid", "same", "int"]).flatmap(
            lambda mode: conv_samples(dt, c_in=(1, 3), c_out=(1, 3), stride=(1, 3), dilation=(1, 2), padding=mode,
                                      nhwc=True)),
        edges=lambda dt: [Sample((_values(dt, (1, 5, 6, 3), 71), _values(dt, (3, 3, 3, 2), 72), None),
                                 {"strides": 2, "padding": "same"}, "the guide's X [1, h, w, 3], W [3, 3, 3, 2]"),
                          Sample((_values(dt, (2, 5, 4, 2), 73), _values(dt, (2, 3, 2, 3), 74)), {},
                                 "the defaults: strides 1, 'valid', dilations 1, no bias"),
                          _overflowing(dt, nhwc=True)],
        check=_check_layout,
        mistakes=(Mistake("filters-reshaped",
                          "[k, k, C_in, C_out] reshaped to (C_out, C_in, k, k) instead of transposed",
                              M.conv2d_nhwc_filters_reshaped),
                  Mistake("input-reshaped", "the NHWC input reshaped to NCHW instead of transposed",
                          M.conv2d_nhwc_input_reshaped)),
        errors=(ErrorInput(Sample((np.zeros((1, 5, 5, 3)), np.zeros((3, 3, 2, 4)))), ValueError,
                           r"filters have 2 input channels \(axis 2\), the input has 3"),
                *named_errors(("input", "filters", "bias", "strides", "padding", "dilations"),
                              (np.zeros((1, 5, 5, 3)), np.zeros((3, 3, 3, 2)), np.zeros(2)), {},
                              [("input", np.zeros((5, 5, 3))), ("filters", np.zeros((3, 3, 3))),
                               ("filters", np.zeros((3, 3, 3, 2), np.float32), TypeError),
                               ("bias", np.zeros(2, np.float32), TypeError), ("strides", 0), ("dilations", (1, 0)),
                               ("strides", 1.5, TypeError), ("padding", "full")])),
        notes="Forward only: the layout changes where the numbers sit, not the gradients (those are conv2d's).",
    ),
)
