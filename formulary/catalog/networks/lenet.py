"""LeNet-5: the 1998 paper's counts, the guide's formulas, the modern variant."""

from __future__ import annotations

from formulary.candidate import reference
from formulary.catalog.networks._blocks import _block_errors, _block_record, _lenet_edges, _lenet_inputs
from formulary.catalog.networks._common import (
    _BIAS_FORGOTTEN,
    _CONNECTIONS_WITHOUT_BIAS,
    _FLOPS_AS_MACS,
    LECUN_1998,
    LECUN_TOTAL,
    SECTION,
)
from formulary.catalog.networks._specs import _bad_options, _layers_against_torch, _nested
from formulary.catalog.networks._tables import _NOT_A_NETWORK, _table_record, _tables
from formulary.mistakes import networks as M
from formulary.record import Deviation, ErrorInput, Mistake, Record, Sample
from formulary.verdict import expect

# -- LeNet-5 (1998) -----------------------------------------------------------------------------

def _lenet_1998(candidate):
    findings = _tables("lenet5", "lenet5", [((1, 32, 32), 1), ((1, 32, 32), 3)], too_small=((1, 8, 8), "c3"))(candidate)
    s = candidate.get("networks.summary")(candidate.get("networks.lenet5")())
    rows = {r.name: r for r in s.rows}
    for name, (neurons, params, connections) in LECUN_1998.items():
        got = (rows[name].neurons, rows[name].params, rows[name].connections)
        expect(got == (neurons, params, connections),
               f"lenet5 layer {name}: (neurons, trainable parameters, connections) {got}, LeCun et al. 1998: "
            f"{(neurons, params, connections)}")
    for key, value in LECUN_TOTAL.items():
        expect(s.total[key] == value, f"lenet5: total {key} {s.total[key]:,}, LeCun et al. 1998: {value:,}")
    findings["per layer (neurons, params, connections)"] = {n: list(v) for n, v in LECUN_1998.items()}
    findings["connections"] = s.total["connections"]
    return findings


def _guide_formulas(candidate):
    """The guide's five formulas, with the input maps a kernel spans, reproduce LeCun's table."""
    neurons = candidate.get("networks.lenet_neurons")
    conv_params = candidate.get("networks.lenet_conv_params")
    pool_params = candidate.get("networks.lenet_pool_params")
    connections = candidate.get("networks.lenet_connections")
    c3_maps = [len(t) for t in reference("networks.C3_TABLE")]
    # layer: (kernels, k, input maps per kernel, output size, parameters by the formula)
    layers = {
        "c1": (6, 5, 1, 28, conv_params(6, 5, 5, 1)),
        "s2": (6, 2, 1, 14, pool_params(6)),
        "c3": (16, 5, c3_maps, 10, conv_params(16, 5, 5, c3_maps)),
        "s4": (16, 2, 1, 5, pool_params(16)),
        "c5": (120, 5, 16, 1, conv_params(120, 5, 5, 16)),
        "f6": (84, 1, 120, 1, conv_params(84, 1, 1, 120)),
    }
    _guide_minimums(candidate)
    got = {}
    for name, (k, size, maps, out, params) in layers.items():
        got[name] = (neurons(k, out, out), params, connections(k, size, size, out, out, maps))
        expect(got[name] == LECUN_1998[name],
               f"{name}: the formulas give (neurons, params, connections) {got[name]}, LeCun et al. 1998: "
               f"{LECUN_1998[name]}")
    return {name: list(v) for name, v in got.items()}


def _guide_omits_input_maps(candidate):
    """The guide's printed K(k_w k_h + 1) holds for C1 and fails for C3 and C5."""
    conv_params = candidate.get("networks.lenet_conv_params")
    c3_maps = [len(t) for t in reference("networks.C3_TABLE")]
    printed = {"c1": 6 * (5 * 5 + 1), "c3": 16 * (5 * 5 + 1), "c5": 120 * (5 * 5 + 1)}
    right = {"c1": conv_params(6, 5, 5, 1), "c3": conv_params(16, 5, 5, c3_maps), "c5": conv_params(120, 5, 5, 16)}
    expect(printed["c1"] == right["c1"] == 156, ((printed, right)))
    expect((printed["c3"], right["c3"]) == (416, 1516), ((printed, right)))
    expect((printed["c5"], right["c5"]) == (3120, 48_120), ((printed, right)))

def _guide_errors() -> tuple:
    """Each argument of the guide's formulas just below its minimum (or of the wrong type):
    the message must name it, as a whole word."""
    out = []
    for target, good in (("lenet_neurons", {"kernels": 6, "out_h": 28, "out_w": 28}),
                         ("lenet_conv_params", {"kernels": 6, "kernel_h": 5, "kernel_w": 5, "in_maps": 1}),
                         ("lenet_connections", {"kernels": 6, "kernel_h": 5, "kernel_w": 5, "out_h": 28, "out_w": 28,
                                                "in_maps": 1})):
        for arg in good:
            out.append(ErrorInput(Sample((), {**good, arg: 0}, f"{arg}=0"), ValueError,
                                  rf"^{arg} must be at least 1, got 0$", f"networks.{target}"))
    return (
        *out,
        ErrorInput(Sample((6.0, 28, 28)), TypeError, r"^kernels must be an int, got float$", "networks.lenet_neurons"),
        ErrorInput(Sample((0,)), ValueError, r"^kernels must be at least 1, got 0$", "networks.lenet_pool_params"),
        ErrorInput(Sample((16, 5, 5, [3, 4])), ValueError, r"^in_maps lists 2 kernels, expected kernels=16$",
                   "networks.lenet_conv_params"),
        ErrorInput(Sample((2, 5, 5, [3, 0]), {}, "a kernel that sees no map"), ValueError,
                   r"^in_maps must be at least 1, got 0$", "networks.lenet_conv_params"),
        ErrorInput(Sample((6, 5, 5, 1), {"bias": 1}), TypeError, r"^bias must be a bool", "networks.lenet_conv_params"),
    )


def _guide_minimums(candidate) -> None:
    """Each formula at the smallest layer it accepts: one 1×1 kernel on one map, a 1×1 output."""
    neurons = candidate.get("networks.lenet_neurons")
    conv_params = candidate.get("networks.lenet_conv_params")
    pool_params = candidate.get("networks.lenet_pool_params")
    connections = candidate.get("networks.lenet_connections")
    got = (neurons(1, 1, 1), conv_params(1, 1, 1, 1), conv_params(1, 1, 1, [1]), conv_params(1, 1, 1, 1, bias=False),
           pool_params(1), connections(1, 1, 1, 1, 1, 1), connections(1, 1, 1, 1, 1, [1], bias=False))
    expect(got == (1, 2, 2, 1, 2, 2, 1),
           f"one unit, one weight and its bias: (neurons, params, params of in_maps [1], params without bias, "
           f"pool params, connections, connections without bias) {got}, expected (1, 2, 2, 1, 2, 2, 1)")


RECORDS = (
    Record(
        id="arch.lenet5", kind="E", section=SECTION,
        equation=r"n = K W_\text{out} H_\text{out},\quad P = \sum_j (M_j k^2 + 1),\quad "
                 r"C = \sum_j (M_j k^2 + 1) W_\text{out} H_\text{out};\ \text{C3: Table I},\ "
                 r"\text{S2/S4: } 2K,\ \text{RBF: fixed}",
        check=_lenet_1998,
        mistakes=(
            Mistake("c3-fully-connected", "C3 wired to all six S2 maps (2,416 parameters, 241,600 connections)",
                    M.lenet5_c3_fully_connected, "networks.lenet5"),
            Mistake("subsampling-without-parameters", "S2 and S4 as plain average pooling: no coefficient and bias",
                    M.lenet5_subsampling_as_pooling, "networks.lenet5"),
            Mistake("rbf-centres-trainable", "the RBF's 840 fixed centres counted as trainable (60,840)",
                    M.summary_rbf_centres_trainable, "networks.summary"),
            _CONNECTIONS_WITHOUT_BIAS,
        ),
        errors=(_NOT_A_NETWORK,),
        notes="MACs: C3 150,000; S2/S4 count k² per unit (the subsampling is a depthwise convolution with a tied "
              "kernel); the RBF's distances 840 (|x|² − 2x·w + |w|², one matrix product).",
    ),
    Record(
        id="arch.lenet5/guide", kind="E", section=SECTION,
        equation=r"\text{神经元} = K W_\text{out} H_\text{out},\ P_\text{conv} = K(k_w k_h + 1),\ P_\text{pool} = 2K,\ "
                 r"C = K(k_w k_h + 1) W_\text{out} H_\text{out},\ C_\text{fc} = K(M k_w k_h + 1)",
        check=_guide_formulas,
        mistakes=(
            Mistake("kernel-depth-omitted", "the guide's printed K(k_w k_h + 1): C3 416 parameters",
                    M.lenet_conv_params_as_printed, "networks.lenet_conv_params"),
            Mistake("connections-kernel-depth-omitted", "the guide's printed K(k_w k_h + 1) W H: C3 41,600 connections",
                    M.lenet_connections_as_printed, "networks.lenet_connections"),
            Mistake("connections-without-bias", "Σ M_j k² W H: each unit's bias connection forgotten",
                    M.lenet_connections_without_bias, "networks.lenet_connections"),
        ),
        errors=_guide_errors(),
        deviations=(Deviation(
            "seed lines 884 and 886: the guide's convolution formulas K(k_w k_h + 1) and "
            "K(k_w k_h + 1) W_out H_out leave out the M input maps each kernel spans; they hold for C1 (M = 1) "
            "and give C3 416 parameters / 41,600 connections (LeCun: 1,516 / 151,600) and C5 3,120 (48,120)",
            "a kernel has a k_w × k_h weight per input map; the guide's own fully connected line (887) carries M",
            _guide_omits_input_maps, source="guide"),),
    ),
    _table_record(
        id="arch.lenet5/modern", name="lenet5-modern", builder="lenet5_modern",
        equation=r"\text{conv}(1{\to}6, 5) \to \text{maxpool} \to \text{conv}(6{\to}16, 5) \to \text{maxpool} \to 400 "
                 r"\to 120 \to 84 \to 10",
        sizes=[((1, 32, 32), 1), ((1, 32, 32), 3)],
        too_small=((1, 8, 8), "conv2"),
        also=(_layers_against_torch, _bad_options, _nested),
        mistakes=[_BIAS_FORGOTTEN, _FLOPS_AS_MACS, _CONNECTIONS_WITHOUT_BIAS],
        notes="61,706 parameters; C3 is fully connected (2,416), pooling is max pooling without parameters.",
    ),
    _block_record(
        id="arch.lenet5/modern-forward", name="lenet5_modern",
        equation=r"y = \mathrm{fc}_3(\mathrm{relu}(\mathrm{fc}_2(\mathrm{relu}(\mathrm{fc}_1(\mathrm{flat}"
                 r"(P(\mathrm{relu}(K_2 * P(\mathrm{relu}(K_1 * x))))))))))",
        inputs=_lenet_inputs, edge_bank=_lenet_edges,
        mistakes=[Mistake("average-pooling", "average pooling where it max-pools", M.lenet5_modern_avg_pool),
         Mistake("relu-on-logits", "a ReLU after the output layer", M.lenet5_modern_relu_on_logits),
         Mistake("backward-pool-gradient-spread", "max pooling's gradient spread over the window",
                 M.lenet5_modern_backward_spread_pool, "backward")],
        errors=_block_errors(lambda dt: _lenet_edges(dt)[0], {}, (1, 10), checks_weights_first=False),
    ),

)
