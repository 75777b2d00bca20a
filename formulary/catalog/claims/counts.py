"""The guide's claims about counting (§7, §8): the 1×1 bottleneck, weight sharing, a fully connected net's size.

Every count is the candidate's (``counting.*``) and is held against torch: FlopCounterMode
for multiply-accumulates (2 FLOPs per MAC; meta tensors, so nothing is computed) and
``numel`` of torch.nn modules for parameters.
"""

from __future__ import annotations

import torch
from torch.utils.flop_counter import FlopCounterMode

from formulary import figures
from formulary.mistakes import claims as MC
from formulary.mistakes import conv as M
from formulary.record import Mistake, Record
from formulary.verdict import expect

S_COUNT = "§7 5 网络参数量与计算量 (parameters and computation)"
S_FC = "§7 4 全连接层 (fully connected layer), line 763"
S_SHARING = "§7 1 卷积层: 局部连接与权值共享 (local connection, weight sharing), lines 644–648"
S_INCEPTION = "§8 经典网络: Inception网络 (the 1×1 reduction)"


def _torch_conv_flops(c_in, c_out, k, size, padding):
    x, w = torch.empty(1, c_in, size, size, device="meta"), torch.empty(c_out, c_in, k, k, device="meta")
    with FlopCounterMode(display=False) as counter:
        out = torch.nn.functional.conv2d(x, w, None, padding=padding)
    return counter.get_total_flops(), tuple(out.shape[2:])


def _torch_params(*modules) -> int:
    return sum(p.numel() for m in modules for p in m.parameters())


# -- Inception's 1×1 reduction ----------------------------------------------------------------------

def _inception_bottleneck(candidate):
    """A 5×5 convolution 28×28×192 → 28×28×32 ('same'), directly and after a 1×1 reduction to 16 maps."""
    macs, params = candidate.get("counting.conv2d_macs"), candidate.get("counting.conv2d_params")
    layers = {"direct 5×5": [(192, 32, 5, 2)], "1×1 to 16, then 5×5": [(192, 16, 1, 0), (16, 32, 5, 2)]}
    found = {}
    for name, convs in layers.items():
        mine_macs = mine_params = torch_flops = torch_params = 0
        for c_in, c_out, k, pad in convs:
            flops, shape = _torch_conv_flops(c_in, c_out, k, 28, pad)
            expect(shape == (28, 28), f"{name}: torch's output is {shape}, expected 28×28")
            mine_macs += macs(c_in, c_out, k, 28)
            mine_params += params(c_in, c_out, k)
            torch_flops += flops
            torch_params += _torch_params(torch.nn.Conv2d(c_in, c_out, k, device="meta"))
        expect(2 * mine_macs == torch_flops, f"{name}: the candidate counts {mine_macs:,} MACs, FlopCounterMode "
                                             f"{torch_flops:,} FLOPs = {torch_flops // 2:,} MACs")
        expect(mine_params == torch_params, f"{name}: the candidate counts {mine_params:,} parameters, torch.nn.Conv2d "
                                            f"has {torch_params:,}")
        found[name] = {"MACs": mine_macs, "parameters": mine_params}
    direct, reduced = found["direct 5×5"], found["1×1 to 16, then 5×5"]
    expect(direct["MACs"] == 120_422_400 and reduced["MACs"] == 12_443_648,
           "expected 28·28·32·5·5·192 = 120,422,400 and 28·28·16·192 + 28·28·32·5·5·16 = 12,443,648 MACs, got "
           f"{direct['MACs']:,} and {reduced['MACs']:,}")
    ratio = direct["MACs"] / reduced["MACs"]
    expect(9 < ratio < 10, f"the bottleneck should save about 10× the multiply-accumulates, saves {ratio:.2f}×")
    found["MACs saved (×)"] = round(ratio, 3)
    found["parameters saved (×)"] = round(direct["parameters"] / reduced["parameters"], 3)

    def draw(ax):
        ax.bar(["direct 5×5"], [direct["MACs"] / 1e6], color="tab:red")
        first = 28 * 28 * 16 * 192 / 1e6
        ax.bar(["1×1 → 16, then 5×5"], [first], color="tab:blue", label="1×1 reduction 192 → 16")
        ax.bar(["1×1 → 16, then 5×5"], [reduced["MACs"] / 1e6 - first], bottom=[first], color="tab:green",
               label="5×5, 16 → 32")
        ax.set_ylabel("million multiply-accumulates")
        ax.legend()

    figures.save("arch.inception.bottleneck", draw, title=f"28×28×192 → 28×28×32: {ratio:.1f}× fewer MACs through the "
                                                          "1×1")
    return found


# -- weight sharing: 10,000 against 101 against 606 -------------------------------------------------

def _weight_sharing(candidate):
    """The guide's 100×100 image: one fully connected neuron, one 10×10 kernel, six kernels; and a whole map."""
    params, linear = candidate.get("counting.conv2d_params"), candidate.get("counting.linear_params")
    neuron = linear(100 * 100, 1, bias=False)
    kernel, six = params(1, 1, 10), params(1, 6, 10)
    expect((neuron, kernel, six) == (10_000, 101, 606), f"expected the guide's 10,000, 101 and 606, got {neuron:,}, "
                                                        f"{kernel:,} and {six:,}")
    expect(kernel == _torch_params(torch.nn.Conv2d(1, 1, 10, device="meta"))
           and six == _torch_params(torch.nn.Conv2d(1, 6, 10, device="meta")),
               "the kernel counts differ from torch.nn.Conv2d's")
    # what the guide compares is one output neuron; the layer that makes a whole 91×91 map from the
    # image fully connected has a weight per (input pixel, output pixel) pair
    full_map = linear(100 * 100, 91 * 91)
    expect(full_map == _torch_params(torch.nn.Linear(100 * 100, 91 * 91, device="meta")),
           "the fully connected count differs from torch.nn.Linear's")
    six_maps = linear(100 * 100, 6 * 91 * 91)
    found = {"one fully connected neuron (weights)": neuron, "one 10×10 kernel + bias": kernel, "six kernels": six,
             "fully connected layer giving one 91×91 map": full_map,
                     "fully connected layer giving six 91×91 maps": six_maps,
             "six maps: fully connected / convolution": round(six_maps / six)}

    def draw(ax):
        names = ["FC neuron", "10×10 kernel", "6 kernels", "FC → one map", "FC → six maps"]
        ax.bar(names, [neuron, kernel, six, full_map, six_maps],
               color=["0.6", "tab:blue", "tab:blue", "tab:red", "tab:red"])
        ax.set_yscale("log")
        ax.set_ylabel("parameters")
        ax.tick_params(axis="x", labelsize=8)

    figures.save("cnn.conv.sharing", draw, title="100×100 image: parameters, fully connected vs shared kernels")
    return found


# -- "nearly 400,000 parameters" for 784 inputs ----------------------------------------------------------

def _fc_too_many(candidate):
    """The two-layer fully connected net 784 → 500 → 10 (the layer sizes that give the guide's 近 40 万)."""
    linear = candidate.get("counting.linear_params")
    total = linear(784, 500) + linear(500, 10)
    expect(total == _torch_params(torch.nn.Linear(784, 500, device="meta"), torch.nn.Linear(500, 10, device="meta")),
           f"the candidate counts {total:,} parameters, torch.nn.Linear's differ")
    expect(total == 397_510, f"784·500 + 500 + 500·10 + 10 = 397,510, got {total:,}")
    widths = [h for h in range(1, 1001) if 0.95 * 400_000 <= linear(784, h) + linear(h, 10) <= 400_000]
    expect(widths[0] == 478 and widths[-1] == 503, "hidden widths giving 380,000–400,000 parameters: "
                                                   f"{widths[0]}–{widths[-1]}, expected 478–503")
    # for scale: a 3×3 conv layer with 32 maps has 320 parameters whatever the image size
    conv = candidate.get("counting.conv2d_params")(1, 32, 3)
    found = {"784 → 500 → 10 parameters": total, "hidden widths giving 380k–400k": f"{widths[0]}–{widths[-1]}",
             "3×3 conv, 1 → 32 maps": conv}

    def draw(ax):
        h = list(range(50, 1001, 10))
        ax.plot(h, [(linear(784, k) + linear(k, 10)) / 1e3 for k in h])
        ax.axhline(400, ls=":", c="grey")
        ax.plot([500], [total / 1e3], "o", c="tab:red", label=f"784 → 500 → 10: {total:,}")
        ax.set_xlabel("hidden units")
        ax.set_ylabel("parameters (thousands)")
        ax.legend()

    figures.save("cnn.fc.too_many", draw, title="Two fully connected layers on 28×28 inputs")
    return found


RECORDS = (
    Record(
        id="arch.inception.bottleneck", kind="C", section=S_INCEPTION,
        equation=r"28^2 \cdot 32 \cdot 5^2 \cdot 192 = 120{,}422{,}400 \;\gg\; 28^2 \cdot 16 \cdot 192 + 28^2 \cdot 32 "
                 r"\cdot 5^2 \cdot 16 = 12{,}443{,}648",
        check=_inception_bottleneck,
        mistakes=(Mistake("macs-as-flops", "2 per product: FLOPs called MACs", M.conv2d_macs_as_flops,
                          "counting.conv2d_macs"),
                  Mistake("macs-input-channels-ignored", "H·W·C_out·k²: the kernel's depth left out",
                          MC.conv2d_macs_input_channels_ignored,
                          "counting.conv2d_macs"),
                  Mistake("params-bias-forgotten", "the C_out biases left out", M.conv2d_params_bias_forgotten,
                          "counting.conv2d_params")),
        notes="The guide shows Inception only as figures; the 1×1 reduction's saving is GoogLeNet's (Szegedy et al. "
              "2015) example. The MACs are the candidate's, equal to FlopCounterMode's FLOPs / 2 (bias additions not "
              "counted).",
    ),
    Record(
        id="cnn.conv.sharing", kind="C", section=S_SHARING,
        equation=r"100 \cdot 100 = 10{,}000 \;\text{vs}\; 10 \cdot 10 + 1 = 101 \;\text{vs}\; 6 \cdot 101 = 606",
        check=_weight_sharing,
        mistakes=(Mistake("conv-bias-forgotten", "the biases left out", M.conv2d_params_bias_forgotten,
                          "counting.conv2d_params"),
                  Mistake("linear-bias-per-input", "one bias per input feature", M.linear_params_bias_per_input,
                          "counting.linear_params")),
        notes="The guide's numbers hold (10,000 weights for one fully connected neuron, no bias; 101 and 606 for one "
              "and six 10×10 kernels), but they compare one output neuron with a whole map's kernel: a fully "
              "connected layer that makes the same 91×91 map has 82,818,281 parameters. The six maps are six channels "
              "of one layer, not 'one neuron' (l.648).",
    ),
    Record(
        id="cnn.fc.too_many", kind="C", section=S_FC,
        equation=r"784 \cdot 500 + 500 + 500 \cdot 10 + 10 = 397{,}510 \approx 4 \times 10^5",
        check=_fc_too_many,
        mistakes=(Mistake("bias-forgotten", "in·out without the biases", M.linear_params_bias_forgotten,
                          "counting.linear_params"),
                  Mistake("bias-per-input", "one bias per input feature", M.linear_params_bias_per_input,
                          "counting.linear_params")),
        notes="The guide's figure is not in the text; 784 → 500 → 10 (the classic MNIST example's hidden layer) gives "
              "397,510, 'nearly 400,000'. Any hidden width from 478 to 503 gives 380,000–400,000.",
    ),
)
