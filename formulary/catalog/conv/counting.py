"""Parameter, MAC and FLOP counts of convolution and fully connected layers, judged by torch's FlopCounterMode."""

from __future__ import annotations

import torch
from hypothesis import strategies as st
from torch.utils.flop_counter import FlopCounterMode

from formulary.catalog._arguments import named_errors
from formulary.catalog._combine import all_of as both
from formulary.catalog.conv._common import INT, S_COUNT, _ints
from formulary.mistakes import conv as M
from formulary.record import Deviation, ErrorInput, Mistake, Record, Sample
from formulary.verdict import expect

# -- counting --------------------------------------------------------------------------------------

@st.composite
def conv_count_samples(draw, *, output=True, conventions=False):
    g = draw(st.sampled_from([1, 1, 2, 3]))
    ci, co = g * draw(_ints(1, 4)), g * draw(_ints(1, 4))
    k = draw(st.one_of(_ints(1, 5), st.tuples(_ints(1, 5), _ints(1, 5))))
    args = [ci, co, k]
    if output:
        args.append((draw(_ints(1, 6)), draw(_ints(1, 6))))
    kwargs = {"groups": g}
    if not output or conventions:
        kwargs["bias"] = draw(st.booleans())
    if conventions:
        kwargs["convention"] = draw(st.sampled_from(["torch", "guide", "exact"]))
    return Sample(tuple(args), kwargs)


@st.composite
def linear_count_samples(draw, *, batch=False, bias=False, conventions=False):
    args = [draw(_ints(1, 20)), draw(_ints(1, 20))]
    kwargs = {}
    if batch:
        kwargs["batch"] = draw(_ints(0, 4))
    if bias:
        kwargs["bias"] = draw(st.booleans())
    if conventions:
        kwargs["convention"] = draw(st.sampled_from(["torch", "guide", "exact"]))
    return Sample(tuple(args), kwargs)


def _guide_flops_leave_out_bias(candidate):
    """The guide's FLOPs for its 32×32×3 → 100-map 3×3 conv are 53 per output; with the bias added, 54."""
    flops = candidate.get("counting.conv2d_flops")
    guide = flops(3, 100, 3, (32, 32), convention="guide")
    outputs = 32 * 32 * 100
    expect(guide == 53 * outputs, f"the guide's count should be 53 per output ({53 * outputs}), got {guide}")
    return {"guide (no bias)": guide, "per output": guide / outputs, "with the bias additions": 54 * outputs}


FLAGS = ("bias", "affine")


def arg_errors(args: tuple, kwargs: dict, bad: list[tuple[str, object]]) -> list[ErrorInput]:
    """:func:`named_errors` for the counts: a flag (``bias``, ``affine``) that is not a bool is a TypeError, a
    size below its minimum a ValueError."""
    names = ("in_channels", "out_channels", "kernel_size", "output_size")
    return named_errors(names, args, kwargs, [(n, v, TypeError if n in FLAGS else ValueError) for n, v in bad])


def integer_counts(*names: str):
    """A check that each named count answers with a Python int on a few layers (a float of the same value is
    another answer: the counts are exact integers, and float arithmetic in them is a bug waiting for big layers)."""
    calls = {"counting.linear_params": (5, 10), "counting.linear_macs": (5, 10),
             "counting.linear_flops": (5, 10), "counting.conv2d_params": (4, 6, 3),
             "counting.conv2d_macs": (4, 6, 3, (5, 4)), "counting.conv2d_flops": (4, 6, 3, (5, 4)),
             "counting.batchnorm_params": (7,)}
    EMPTY = {"counting.conv2d_macs": (3, 2, 3, (0, 4)), "counting.conv2d_flops": (3, 2, 3, (4, 0)),
             "counting.linear_macs": (5, 10, 0), "counting.linear_flops": (5, 10, 0)}
    extra = {"counting.conv2d_params": {"groups": 2}, "counting.conv2d_macs": {"groups": 2},
             "counting.conv2d_flops": {"groups": 2, "convention": "guide"}}

    def check(candidate):
        found = {}
        for name in names:
            got = candidate.get(name)(*calls[name], **extra.get(name, {}))
            expect(type(got) is int, f"{name}{calls[name]} should be a Python int, got {type(got).__name__} {got!r}")
            found[f"{name}{calls[name]}"] = got
            if name in EMPTY:  # torch cannot build an empty output to read the count off; it is 0 by the formula
                zero = candidate.get(name)(*EMPTY[name])
                expect(zero == 0, f"{name}{EMPTY[name]} counts an empty output: expected 0, got {zero!r}")
        return found

    return check




def count_record(*, id, candidate, equation, mistakes, strategy, kind="E", section=S_COUNT, edges=(), check=None,
                 errors=(),
                 deviations=(), notes=""):
    """A counting record: the candidate's count equals the one read off torch, on drawn layers."""
    return Record(
        id=id, kind=kind, section=section, equation=equation,
        candidate=candidate, reference=candidate, inputs=lambda dt: strategy, dtypes=INT,
        edges=lambda dt: list(edges), check=check, mistakes=tuple(mistakes), errors=tuple(errors),
        deviations=tuple(deviations), notes=notes,
    )


def _check_conv_params(candidate):
    params = candidate.get("counting.conv2d_params")
    found = {"3x3x3x64+64": params(3, 64, 3), "Conv2D(100, 3) on 32x32x3": params(3, 100, 3),
             "10x10 kernel": params(1, 1, 10), "six 10x10 kernels": params(1, 6, 10)}
    expect(found == {"3x3x3x64+64": 1792, "Conv2D(100, 3) on 32x32x3": 2800, "10x10 kernel": 101,
                     "six 10x10 kernels": 606}, found)
    return found


def _check_conv_macs(candidate):
    """224×224×3 → 64 channels, 3×3, 'same': the output is 224×224 (not the guide's printed 224×244)."""
    out = candidate.get("conv.conv2d_output_shape")((224, 224), 3, 1, "same")
    macs = candidate.get("counting.conv2d_macs")(3, 64, 3, out)
    expect((out, macs) == ((224, 224), 86_704_128), f"expected 224×224 and 86,704,128 MACs, got {out} and {macs:,}")
    return {"output": list(out), "MACs": macs, "with the printed 224x244": 224 * 244 * 64 * 27}


def _guide_output_typo(candidate):
    """The guide prints the output as 224×244×64; a 3×3 stride-1 convolution of 224×224 gives 224×224 ('same') or
    222×222."""
    shape = candidate.get("conv.conv2d_output_shape")
    expect(shape((224, 224), 3, 1, "same") == (224, 224) and shape((224, 224), 3, 1, "valid") == (222, 222),
           "a 3×3 kernel at stride 1 keeps 224×224 with 'same' and gives 222×222 with 'valid'")
    expect(224 * 244 * 64 * 3 * 3 * 3 != candidate.get("counting.conv2d_macs")(3, 64, 3, (224, 224)),
           "the MAC count must not equal the guide's 224×244 product (its typo)")


def _check_conv_flops(candidate):
    """The guide's 5,427,200 for Conv2D(100, 3, 'same') on 32×32×3, and what FlopCounterMode says of the same layer."""
    out = candidate.get("conv.conv2d_output_shape")((32, 32), 3, 1, "same")
    flops = candidate.get("counting.conv2d_flops")
    found = {c: flops(3, 100, 3, out, convention=c) for c in ("guide", "torch", "exact")}
    layer = torch.nn.Conv2d(3, 100, 3, padding="same", device="meta")
    with FlopCounterMode(display=False) as counter:
        layer(torch.empty(1, 3, 32, 32, device="meta"))
    found["FlopCounterMode"] = counter.get_total_flops()
    found["exact without bias"] = flops(3, 100, 3, out, bias=False, convention="exact")
    expect(found["guide"] == 5_427_200, f"the guide's formula gives 5,427,200, got {found['guide']:,}")
    expect(found["torch"] == found["FlopCounterMode"] == 5_529_600, found)
    expect(found["exact without bias"] == found["guide"] and found["exact"] == found["torch"], found)
    return found


def _check_fc_params(candidate):
    got = candidate.get("counting.linear_params")(5, 10)
    expect(got == 60, f"the guide's 5 → 10 layer has 5·10 + 10 = 60 parameters, got {got}")
    return {"5 -> 10": got}


def _check_fc_flops(candidate):
    flops = candidate.get("counting.linear_flops")
    found = {c: flops(5, 10, convention=c) for c in ("guide", "torch", "exact")}
    expect(found == {"guide": 60, "torch": 100, "exact": 100}, found)
    return found


def _guide_fc_flops_inconsistent(candidate):
    """The guide's 60 FLOPs for 5 → 10 count a multiply-add as one; its convolution formula counts two."""
    with FlopCounterMode(display=False) as counter:
        torch.nn.Linear(5, 10, device="meta")(torch.empty(1, 5, device="meta"))
    flops = candidate.get("counting.conv2d_flops")
    # the same layer as a 1×1 convolution of a 1×1 image with 5 channels, by the guide's conv formula
    as_conv = flops(5, 10, 1, (1, 1), convention="guide")
    expect(counter.get_total_flops() == 100 and as_conv == 90,
           f"torch counts 100 FLOPs for the 5→10 linear and the guide's conv formula 90 for it as a 1×1 conv: got "
           f"{counter.get_total_flops()} and {as_conv}")
    expect(candidate.get("counting.linear_flops")(5, 10, convention="guide") == 60,
           "the guide's convention counts 60 FLOPs for a 5→10 linear layer")


def _check_bn_params(candidate):
    got = candidate.get("counting.batchnorm_params")(64)
    layer = torch.nn.BatchNorm2d(64)
    expect(got == 128 == sum(p.numel() for p in layer.parameters()), f"2·64 trainable, got {got}")
    return {"BatchNorm2d(64) trainable": got,
            "buffers (running mean, var)": int(layer.running_mean.numel() + layer.running_var.numel())}

RECORDS = (
    count_record(
        id="cnn.fc.params", candidate="counting.linear_params",
            equation=r"n_\text{in} n_\text{out} + n_\text{out} = 5 \cdot 10 + 10 = 60",
        mistakes=[Mistake("bias-forgotten", "in·out without the biases", M.linear_params_bias_forgotten),
         Mistake("bias-per-input", "one bias per input feature", M.linear_params_bias_per_input)],
        strategy=linear_count_samples(bias=True), edges=[Sample((5, 10), {}, "the guide's 5 → 10")],
        check=both(_check_fc_params, integer_counts("counting.linear_params")),
        errors=[ErrorInput(Sample((0, 10)), ValueError, r"\bin_features\b"),
                ErrorInput(Sample((5, 0)), ValueError, r"\bout_features\b"),
                ErrorInput(Sample((5, 10), {"bias": 1}), TypeError, r"\bbias\b")],
    ),
    count_record(
        id="cnn.fc.params/macs", candidate="counting.linear_macs",
            equation=r"\text{MACs} = B\, n_\text{in} n_\text{out}",
        mistakes=[Mistake("as-flops", "two per product", M.linear_macs_as_flops),
         Mistake("batch-ignored", "one row counted whatever the batch", M.linear_macs_batch_ignored)],
        strategy=linear_count_samples(batch=True),
        edges=[Sample((5, 10), {"batch": 3}, "batch of 3"), Sample((5, 10), {}, "the default batch: one row"),
               Sample((5, 10), {"batch": 0}, "an empty batch")],
        check=integer_counts("counting.linear_macs"),
        errors=[ErrorInput(Sample((5, 10), {"batch": -1}), ValueError, r"\bbatch\b"),
                ErrorInput(Sample((0, 10)), ValueError, r"\bin_features\b"),
                ErrorInput(Sample((5, 0)), ValueError, r"\bout_features\b")],
    ),
    count_record(
        id="cnn.fc.params/flops", candidate="counting.linear_flops",
        equation=r"\text{torch: } 2 B n_\text{in} n_\text{out};\ \text{guide: } B(n_\text{in} n_\text{out} + "
                 r"n_\text{out}) = 60;\ "
        r"\text{exact: } B(2 n_\text{in} n_\text{out} - n_\text{out} + n_\text{out})",
        mistakes=[Mistake("as-macs", "FLOPs counted as MACs", M.linear_flops_as_macs),
         Mistake("guide-as-torch", "the guide's convention replaced by torch's", M.linear_flops_guide_as_torch)],
        strategy=linear_count_samples(batch=True, bias=True, conventions=True),
        edges=[Sample((5, 10), {"convention": "guide"}, "the guide's 60"), Sample((5, 10), {}, "torch's 100")],
        check=both(_check_fc_flops, integer_counts("counting.linear_flops")),
        errors=[ErrorInput(Sample((5, 10), {"convention": "tf"}), ValueError, r"\bconvention\b"),
                ErrorInput(Sample((5, 10), {"batch": -1}), ValueError, r"\bbatch\b"),
                ErrorInput(Sample((0, 10)), ValueError, r"\bin_features\b"),
                ErrorInput(Sample((5, 0)), ValueError, r"\bout_features\b"),
                ErrorInput(Sample((5, 10), {"bias": 1}), TypeError, r"\bbias\b")],
        deviations=[Deviation(
            "seed lines 796–799: its 5 → 10 layer has '5x10+10 = 60' FLOPs, a multiply-add counted as one operation; "
            "its own "
            "convolution formula counts the multiply and the add apart, which gives 90 for the same layer (100 with "
            "the "
            "bias additions, as FlopCounterMode's 2·MACs)",
            "two conventions in one section of the guide; counting.linear_flops(convention='guide') reproduces the 60",
            _guide_fc_flops_inconsistent, source="guide")],
    ),
    count_record(
        id="cnn.conv.params", candidate="counting.conv2d_params",
            equation=r"k_h k_w \tfrac{C_\text{in}}{g} C_\text{out} + C_\text{out}:\ 3\cdot3\cdot3\cdot64 + 64 = 1792",
        mistakes=[Mistake("bias-forgotten", "the C_out biases left out", M.conv2d_params_bias_forgotten),
         Mistake("groups-ignored", "every kernel as deep as the input", M.conv2d_params_groups_ignored),
         Mistake("bias-per-input-channel", "one bias per input channel of every kernel",
                 M.conv2d_params_bias_per_input_channel)],
        strategy=conv_count_samples(output=False),
            edges=[Sample((3, 64, 3), {}, "the guide's 1,792"), Sample((4, 6, (3, 2)), {"groups": 2})],
        check=both(_check_conv_params, integer_counts("counting.conv2d_params")),
        errors=[ErrorInput(Sample((3, 4, 3), {"groups": 2}), ValueError, r"\bgroups\b"),
                *arg_errors((3, 4, 3), {}, [("in_channels", 0), ("out_channels", 0), ("kernel_size", 0),
                                            ("kernel_size", (3, 0)), ("groups", 0), ("bias", 1)])],
    ),
    count_record(
        id="cnn.conv.macs", candidate="counting.conv2d_macs",
            equation=r"H_\text{out} W_\text{out} C_\text{out} k_h k_w \tfrac{C_\text{in}}{g}"
                     r":\ 224\cdot224\cdot64\cdot3\cdot3\cdot3 = 86{,}704{,}128",
        mistakes=[Mistake("as-flops", "two per product", M.conv2d_macs_as_flops),
         Mistake("groups-ignored", "every output summing all input channels", M.conv2d_macs_groups_ignored),
         Mistake("bias-counted", "the bias as one more MAC per output", M.conv2d_macs_bias_counted)],
        strategy=conv_count_samples(),
        edges=[Sample((3, 64, 3, (224, 224)), {}, "the guide's layer"), Sample((4, 6, 3, (5, 4)), {"groups": 2})],
        check=both(_check_conv_macs, integer_counts("counting.conv2d_macs")),
        errors=arg_errors((3, 64, 3, (224, 224)), {}, [("output_size", (224, -1)), ("output_size", -1),
                                                       ("in_channels", 0), ("out_channels", 0), ("kernel_size", 0),
                                                       ("groups", 0)]),
        deviations=[Deviation(
            "seed line 773: the output is printed '224x244x64'; a 3×3 stride-1 convolution of 224×224 gives 224×224 "
            "('same') or 222×222 ('valid'), and the guide's own count 224x224x64x3x3x3 uses 224×224",
            "a typo (244 for 224); 224·244·64·27 = 94,445,568 would be wrong by 9%", _guide_output_typo,
                source="guide")],
    ),
    count_record(
        id="cnn.conv.flops", candidate="counting.conv2d_flops",
        equation=r"\text{guide: } \{H W [k^2 + (k^2 - 1)] C_\text{in} + H W (C_\text{in} - 1)\} C_\text{out} = "
                 r"5{,}427{,}200;\ "
        r"\text{torch: } 2\,\text{MACs} = 5{,}529{,}600",
        mistakes=[Mistake("as-macs", "FLOPs counted as MACs (torch's convention)", M.conv2d_flops_as_macs),
         Mistake("bias-in-torch", "the bias additions counted in torch's convention", M.conv2d_flops_bias_in_torch),
         Mistake("guide-channel-sum", "C_in additions across channels instead of C_in − 1",
                 M.conv2d_flops_guide_channel_sum)],
        strategy=conv_count_samples(conventions=True),
        edges=[Sample((3, 100, 3, (32, 32)), {"convention": "guide"}, "the guide's 5,427,200"),
               Sample((3, 100, 3, (32, 32)), {}, "torch: 5,529,600"),
               Sample((4, 6, 3, (3, 2)), {"groups": 2, "convention": "guide"}, "the guide's formula per group"),
               Sample((4, 6, 3, (3, 2)), {"groups": 2}, "torch's count per group (2·MACs of the grouped layer)"),
               Sample((4, 6, 3, (3, 2)), {"groups": 2, "bias": False, "convention": "exact"},
                      "the exact count per group, without bias")],
        check=both(_check_conv_flops, integer_counts("counting.conv2d_flops")),
        errors=[ErrorInput(Sample((3, 100, 3, (32, 32)), {"convention": "macs"}), ValueError, r"\bconvention\b"),
                *arg_errors((3, 100, 3, (32, 32)), {}, [("output_size", -1), ("in_channels", 0), ("out_channels", 0),
                                                        ("kernel_size", 0), ("groups", 0), ("bias", 1)])],
        deviations=[Deviation("seed lines 780–785: the parameters are counted with the biases (3×3×3×100 + 100 = "
                              "2,800) and "
                              "the FLOPs without them ({32×32×[3×3 + (3×3 − 1)]×3 + 32×32×(3 − 1)}×100 = 5,427,200)",
                              "the bias addition is one more FLOP per output (53 → 54 each): 5,529,600 with it, which "
                              "is "
                              "also torch's 2 × MACs; a count should treat the bias the same way in both",
                              _guide_flops_leave_out_bias, source="guide")],
        notes="The guide's formula counts every multiply and add of the sums but no bias addition: it equals the exact "
              "count without bias; torch's FlopCounterMode (2 per MAC) equals the exact count with the bias added.",
    ),

)
