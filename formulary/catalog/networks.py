"""Catalog records of the classic-networks chapter (guide §8: 经典网络介绍).

Two kinds of record:

* **layer tables** (kind E): each network's summary -- every layer's output shape,
  parameters and MACs (LeNet-5: also neurons and connections) and the totals -- held
  row by row against the same network built as torch modules and counted by torch
  (``sum(p.numel())``, FlopCounterMode, forward hooks), at the network's own input
  size and at a small, odd, non-square one with a batch of 2; and the totals against
  the published numbers (LeCun et al. 1998; torchvision's model documentation);
* **executable blocks** (kind E, as the inventory has every arch.* ID; compared like
  formulas): the modern LeNet-5, ResNet's basic and bottleneck
  blocks and an Inception module, forward and backward against torch modules run with
  the same weights.

The guide's section is images but for the five LeNet-5 counting formulas (lines
883-887 of the seed text); the record ``arch.lenet5/guide`` checks those.
"""

from __future__ import annotations

import math
from functools import cache

import numpy as np
import torch
from hypothesis import strategies as st

from formulary.candidate import reference
from formulary.mistakes import networks as M
from formulary.record import Deviation, ErrorInput, Mistake, Record, Sample, Tolerance
from formulary.verdict import expect

SECTION = "§8 经典网络介绍 (classic networks)"

# LeCun et al. (1998), §II.B: neurons (maps × size), trainable parameters, connections
LECUN_1998 = {
    "c1": (4704, 156, 122_304), "s2": (1176, 12, 5880), "c3": (1600, 1516, 151_600), "s4": (400, 32, 2000),
    "c5": (120, 48_120, 48_120), "f6": (84, 10_164, 10_164), "output": (10, 0, 840),
}
LECUN_TOTAL = {"params": 60_000, "connections": 340_908}

# torchvision's model documentation (ImageNet weights): parameters, and "GFLOPS" at
# 224×224, which are in fact billions of multiply-accumulates.
TORCHVISION = {
    "alexnet": (61_100_840, 0.71), "vgg16": (138_357_544, 15.47), "googlenet": (6_624_904, 1.50),
    "resnet18": (11_689_512, 1.81), "resnet50": (25_557_032, 4.09),
}

# Krizhevsky et al. (2012), §3.5: "the number of neurons in the network's remaining
# layers is given by 253,440–186,624–64,896–64,896–43,264–4096–4096–1000"
ALEXNET_2012_NEURONS = (253_440, 186_624, 64_896, 64_896, 43_264, 4096, 4096, 1000)


# -- layer tables against torch ---------------------------------------------------------

@cache
def _torch_count(name: str, input_size: tuple, batch: int, aux: bool, units: bool) -> dict:
    """The torch modules' rows and totals (deterministic; cached for the mistakes' reruns)."""
    return reference("networks.count")(name, input_size, batch, aux, units)


def _table(candidate, name: str, builder: str, input_size: tuple, batch: int, aux: bool = False, units: bool = False):
    """The candidate's summary of ``builder()``, held row by row against torch's count
    (with ``units``, LeNet-5's neurons and connections per sample too)."""
    network = candidate.get(f"networks.{builder}")()
    mine = candidate.get("networks.summary")(network, input_size, batch, aux)
    theirs = _torch_count(name, tuple(input_size), batch, aux, units)
    where = f"{name} on {(batch, *input_size)}{' with the auxiliary heads' if aux else ''}"
    names, torch_names = [r.name for r in mine.rows], [r["name"] for r in theirs["rows"]]
    if names != torch_names:
        first = next((i for i, (a, b) in enumerate(zip(names, torch_names)) if a != b), min(len(names), len(torch_names)))
        raise AssertionError(f"{where}: the layers differ from torch's at row {first}: "
                             f"{names[first:first + 3]} against torch's {torch_names[first:first + 3]} "
                             f"({len(names)} rows against {len(torch_names)})")
    keys = ("type", "output_shape", "params", "macs") + (("neurons", "connections") if units else ())
    for r, t in zip(mine.rows, theirs["rows"]):
        got = {"type": r.kind, "output_shape": tuple(r.output_shape), "params": r.params, "macs": r.macs,
               "neurons": r.neurons, "connections": r.connections}
        for key in keys:
            if got[key] != t.get(key):
                raise AssertionError(f"{where}: layer {r.name}: {key} {got[key]!r}, torch {t.get(key)!r}")
    for key in ("params", "macs"):
        if mine.total[key] != theirs["total"][key]:
            raise AssertionError(f"{where}: total {key} {mine.total[key]:,}, torch {theirs['total'][key]:,}")
    return mine


def _tables(name: str, builder: str, sizes, published=None, aux_size=None, too_small=None):
    """A property check: the candidate's table at each (input_size, batch) of ``sizes``
    against torch, the 224×224 totals against ``published`` (params, GMACs), for a
    network with auxiliary heads the training graph at ``aux_size`` too, and an input
    ``too_small`` for some window: a ValueError naming the layer."""
    def check(candidate):
        full = _table(candidate, name, builder, *sizes[0], units=name.startswith("lenet5"))
        for size, batch in sizes[1:]:
            _table(candidate, name, builder, size, batch)
        findings = {"input": list(full.input_size), "layers": len(full.rows), "params": full.total["params"],
                    "macs": full.total["macs"]}
        if published:
            params, gmacs = published
            expect(full.total["params"] == params, f"{name}: {full.total['params']:,} parameters, published {params:,}")
            expect(round(full.total["macs"] / 1e9, 2) == gmacs, f"{name}: {full.total['macs']:,} MACs, published {gmacs} G")
            findings["published"] = {"params": params, "GMACs": gmacs}
        if aux_size:
            with_aux = _table(candidate, name, builder, aux_size, 1, aux=True)
            findings["training graph (auxiliary heads)"] = {"params": with_aux.total["params"], "macs": with_aux.total["macs"]}
        if too_small:
            layer = too_small[1]
            try:
                candidate.get("networks.summary")(candidate.get(f"networks.{builder}")(), too_small[0])
            except ValueError as exc:
                expect(str(exc).startswith(f"{layer}:"), f"{name} on {too_small[0]}: the error should name {layer}: {exc}")
            else:
                raise AssertionError(f"{name}: an input of {too_small[0]} should be a ValueError (a window larger than its input)")
        return findings
    return check


_NOT_A_NETWORK = ErrorInput(Sample(("resnet18",)), TypeError, r"network", "networks.summary")


def _table_record(*, id, name, builder, equation, sizes, mistakes, published=None, aux_size=None, too_small=None,
                  deviations=(), notes=""):
    return Record(
        id=id, kind="E", section=SECTION, equation=equation,
        check=_tables(name, builder, sizes, published, aux_size, too_small),
        mistakes=tuple(mistakes), errors=(_NOT_A_NETWORK,), deviations=tuple(deviations), notes=notes,
    )


# -- LeNet-5 (1998) -----------------------------------------------------------------------------

def _lenet_1998(candidate):
    findings = _tables("lenet5", "lenet5", [((1, 32, 32), 1), ((1, 32, 32), 3)], too_small=((1, 8, 8), "c3"))(candidate)
    s = candidate.get("networks.summary")(candidate.get("networks.lenet5")())
    rows = {r.name: r for r in s.rows}
    for name, (neurons, params, connections) in LECUN_1998.items():
        got = (rows[name].neurons, rows[name].params, rows[name].connections)
        expect(got == (neurons, params, connections), f"lenet5 layer {name}: (neurons, trainable parameters, connections) {got}, LeCun et al. 1998: "
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
    got = {}
    for name, (k, size, maps, out, params) in layers.items():
        got[name] = (neurons(k, out, out), params, connections(k, size, size, out, out, maps))
        expect(got[name] == LECUN_1998[name], f"{name}: the formulas give (neurons, params, connections) {got[name]}, LeCun et al. 1998: {LECUN_1998[name]}")
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


# -- AlexNet (2012) -------------------------------------------------------------------------------

def _alexnet_2012_neurons(candidate):
    """The 2012 paper's neuron counts per layer: all agree but the first (55·48·96)."""
    s = candidate.get("networks.summary")(candidate.get("networks.alexnet_2tower")())
    ours = tuple(math.prod(r.output_shape[1:]) for r in s.rows if r.kind in ("Conv2d", "Linear"))
    expect(ours[1:] == ALEXNET_2012_NEURONS[1:], f"conv2 to fc8: {ours[1:]}, the paper: {ALEXNET_2012_NEURONS[1:]}")
    expect(ours[0] == 55 * 55 * 96 == 290_400 and ALEXNET_2012_NEURONS[0] == 55 * 48 * 96, ours[0])


def _alexnet_paper_input(candidate):
    """At the paper's 224×224, conv1 gives 54×54 maps and fc6 no longer gets 6·6·256 inputs."""
    net = candidate.get("networks.alexnet_2tower")()
    summary = candidate.get("networks.summary")
    expect(summary(net, (3, 227, 227)).rows[0].output_shape == (1, 96, 55, 55), "AlexNet's first layer on a 227×227 input must give 96×55×55")
    try:
        summary(net, (3, 224, 224))
    except ValueError as exc:
        expect("9216" in str(exc), exc)
    else:
        raise AssertionError("alexnet-2tower at 224×224 should not fit its 9216-input fc6")


# -- GoogLeNet -------------------------------------------------------------------------------------

def _torchvision_branch3_is_3x3(candidate):
    """torchvision's "5×5" branch has 3×3 kernels: inception 3a has 8,192 parameters fewer than the paper's."""
    inception, network, summary = (candidate.get(f"networks.{n}") for n in ("inception", "Network", "summary"))
    sequential = candidate.get("networks.Sequential")
    counts = {}
    for k in (3, 5):
        module = network(f"3a/{k}", sequential((("inception3a", inception(192, 64, 96, 128, 16, 32, 32, branch3_kernel=k)),)),
                         (192, 28, 28))
        counts[k] = summary(module).total["params"]
        with_torch = _torch_inception_params(k)
        expect(counts[k] == with_torch, f"branch3 {k}×{k}: {counts[k]} parameters, torch {with_torch}")
    expect(counts[5] - counts[3] == 16 * 32 * (25 - 9) == 8192, counts)


def _torch_inception_params(k: int) -> int:
    with torch.device("meta"):
        module = reference("networks.Inception")(192, 64, 96, 128, 16, 32, 32, branch3_kernel=k)
    return sum(p.numel() for p in module.parameters())


# -- executable blocks --------------------------------------------------------------------------

@cache
def _layout(module: str, args: tuple) -> tuple:
    """(shape, kind) of each parameter of the torch module ``module(*args)``, in
    named_parameters order; kind is "gamma"/"beta" for BatchNorm's, else "tensor"."""
    with torch.device("meta"):
        built = reference(f"networks.{module}")(*args)
    return tuple((tuple(p.shape), ("gamma" if name == "weight" else "beta") if isinstance(m, torch.nn.BatchNorm2d) else "tensor")
                 for m in built.modules() for name, p in m.named_parameters(recurse=False))


def _weights(module: str, args: tuple, seed: int, dt) -> tuple:
    """The block's weights in torch's named_parameters order: kernels and matrices
    uniform with variance ~ 1/fan-in (torch's init scale), biases in [-1, 1], and
    BatchNorm's γ in [0.5, 1.5] and β in [-0.5, 0.5] -- a γ near 0 would leave the next
    BatchNorm a near-constant channel whose 1/σ amplifies float32 rounding by hundreds."""
    rng = np.random.default_rng(seed)
    out = []
    for shape, kind in _layout(module, args):
        if kind == "tensor":
            hi = math.sqrt(3.0 / math.prod(shape[1:])) if len(shape) > 1 else 1.0
            lo = -hi
        else:
            lo, hi = (0.5, 1.5) if kind == "gamma" else (-0.5, 0.5)
        out.append(rng.uniform(lo, hi, shape).astype(dt))
    return tuple(out)


def _block_sample(module: str, args: tuple, x_shape, kwargs, seed: int, dt, note: str = "") -> Sample:
    x = np.random.default_rng(seed + 1).uniform(-2.0, 2.0, x_shape).astype(dt)
    return Sample((x, _weights(module, args, seed, dt)), kwargs, note)


def _lenet(n, seed, dt, note=""):
    return _block_sample("lenet5_modern_module", (), (n, 1, 32, 32), {}, seed, dt, note)


def _basic(c, p, s, x_shape, seed, dt, note=""):
    return _block_sample("BasicBlock", (c, p, s), x_shape, {"stride": s}, seed, dt, note)


def _bottleneck(c, p, s, x_shape, seed, dt, note=""):
    return _block_sample("Bottleneck", (c, p, s), x_shape, {"stride": s}, seed, dt, note)


def _inception(c, widths, k, x_shape, seed, dt, note=""):
    return _block_sample("Inception", (c, *widths, k), x_shape, {}, seed, dt, note)


_SEED = st.integers(0, 2**32 - 1)
# BatchNorm's batch statistics need more than one value per channel; over two or three
# its backward (∝ 1/σ of those few values) is too ill-conditioned to compare in float32.
# A batch of 2-3 and maps of at least 3×3 (2×2 after a stride of 2) give at least 8.
_BATCH = st.integers(2, 3)
_SIDE = st.integers(3, 6)


def _lenet_inputs(dt):
    return st.builds(lambda n, seed: _lenet(n, seed, dt), st.integers(1, 2), _SEED)


def _residual_inputs(make, dt):
    return st.builds(lambda c, p, s, n, h, w, seed: make(c, p, s, (n, c, h, w), seed, dt),
                     st.integers(1, 6), st.integers(1, 4), st.sampled_from([1, 2]), _BATCH, _SIDE, _SIDE, _SEED)


def _inception_inputs(dt):
    return st.builds(lambda c, widths, k, n, h, w, seed: _inception(c, widths, k, (n, c, h, w), seed, dt),
                     st.integers(1, 5), st.tuples(*[st.integers(1, 4)] * 6), st.sampled_from([3, 5]), _BATCH,
                     _SIDE, _SIDE, _SEED)


def _basic_edges(dt):
    return [
        _basic(4, 4, 1, (2, 4, 5, 5), 11, dt, "identity shortcut"),
        _basic(3, 5, 1, (2, 3, 4, 6), 12, dt, "projection, stride 1"),
        _basic(3, 6, 2, (2, 3, 7, 7), 13, dt, "projection, stride 2, odd size"),
        _basic(2, 2, 2, (8, 2, 1, 1), 14, dt, "1×1 maps, stride 2, batch 8"),
    ]


def _bottleneck_edges(dt):
    return [
        _bottleneck(8, 2, 1, (2, 8, 5, 5), 21, dt, "identity shortcut"),
        _bottleneck(3, 2, 1, (2, 3, 4, 6), 22, dt, "projection, stride 1"),
        _bottleneck(4, 3, 2, (2, 4, 7, 6), 23, dt, "projection, stride 2"),
    ]


def _inception_edges(dt):
    return [
        _inception(3, (2, 2, 3, 1, 2, 2), 3, (2, 3, 5, 5), 31, dt, "torchvision's 3×3 branch"),
        _inception(4, (1, 2, 2, 3, 3, 1), 5, (2, 4, 6, 4), 32, dt, "the paper's 5×5 branch"),
        _inception(2, (2, 1, 1, 1, 1, 2), 3, (8, 2, 1, 1), 33, dt, "1×1 maps, batch 8"),
    ]


def _lenet_edges(dt):
    return [_lenet(1, 41, dt, "one image"), _lenet(3, 42, dt, "a batch of three")]


def _block_errors(sample_fn, stride_kw):
    """Bad inputs of an executable block: integer input, missing weights, mixed dtypes, a
    grad_output of the wrong shape."""
    good = sample_fn(np.float64)
    x, params = good.args
    return (
        ErrorInput(Sample((x.astype(np.int64), params), stride_kw, "integer input"), TypeError, r"input"),
        ErrorInput(Sample((x, params[:-1]), stride_kw, "a weight missing"), ValueError, r"params"),
        ErrorInput(Sample((x, tuple(p.astype(np.float32) for p in params)), stride_kw, "float32 weights, float64 input"),
                   ValueError, r"params\[0\]"),
        ErrorInput(Sample((np.zeros((1, 1)), x, params), stride_kw, "grad_output of the wrong shape"), ValueError,
                   r"grad_output", "backward"),
    )


def _block_record(*, id, name, equation, inputs, edge_bank, mistakes, errors, tolerances=None, notes=""):
    return Record(
        id=id, kind="E", section=SECTION, equation=equation,  # the inventory's kind for arch.*
        candidate=f"networks.{name}_forward", reference=f"networks.{name}_forward", backward=f"networks.{name}_backward",
        grad_args=(0, 1), inputs=inputs, edges=edge_bank, mistakes=tuple(mistakes), errors=errors,
        tolerances=tolerances or {}, notes=notes,
    )


_BN_NOTE = "BatchNorm in training mode (batch statistics) on both sides; torch runs its modules via torch.func.functional_call"
_BN_FLOAT32 = {np.float32: Tolerance(1e-4, 1e-4, (
    "BatchNorm's backward subtracts a channel's means of g and g·x̂ and divides by the batch's σ, so float32 rounding "
    "in the convolutions around it (torch's and impl's alike) comes back amplified: over 300 draws per block "
    "|impl − torch| stayed within 1e-4·|torch| + 2e-5; float64 is held to the default"))}

# mistakes of counting that any network's table must catch
_BIAS_FORGOTTEN = Mistake("bias-forgotten", "k·k·C_in·C_out: biases left out", M.summary_bias_forgotten, "networks.summary")
_FLOPS_AS_MACS = Mistake("flops-as-macs", "FLOPs (2 per MAC) reported as MACs", M.summary_flops_as_macs, "networks.summary")
_BN_FORGOTTEN = Mistake("batchnorm-forgotten", "BatchNorm's γ and β not counted", M.summary_batchnorm_forgotten,
                        "networks.summary")
_CONV_BIAS_ASSUMED = Mistake("conv-bias-assumed", "a bias counted on every convolution (those before BatchNorm have none)",
                             M.summary_conv_bias_assumed, "networks.summary")
_CONNECTIONS_WITHOUT_BIAS = Mistake("connections-without-bias", "connections counted without each unit's bias",
                                    M.summary_connections_without_bias, "networks.summary")

RECORDS = (
    Record(
        id="arch.lenet5", kind="E", section=SECTION,
        equation=r"n = K W_\text{out} H_\text{out},\quad P = \sum_j (M_j k^2 + 1),\quad "
                 r"C = \sum_j (M_j k^2 + 1) W_\text{out} H_\text{out};\ \text{C3: Table I},\ \text{S2/S4: } 2K,\ \text{RBF: fixed}",
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
        errors=(
            ErrorInput(Sample((16, 5, 5, [3, 4])), ValueError, r"in_maps", "networks.lenet_conv_params"),
            ErrorInput(Sample((6, 5, 5, 28, 28, 0)), ValueError, r"in_maps", "networks.lenet_connections"),
            ErrorInput(Sample((6.0, 28, 28)), TypeError, r"kernels", "networks.lenet_neurons"),
            ErrorInput(Sample((0,)), ValueError, r"kernels", "networks.lenet_pool_params"),
        ),
        deviations=(Deviation(
            "seed lines 884 and 886: the guide's convolution formulas K(k_w k_h + 1) and "
            "K(k_w k_h + 1) W_out H_out leave out the M input maps each kernel spans; they hold for C1 (M = 1) "
            "and give C3 416 parameters / 41,600 connections (LeCun: 1,516 / 151,600) and C5 3,120 (48,120)",
            "a kernel has a k_w × k_h weight per input map; the guide's own fully connected line (887) carries M",
            _guide_omits_input_maps, source="guide"),),
    ),
    _table_record(
        id="arch.lenet5/modern", name="lenet5-modern", builder="lenet5_modern",
        equation=r"\text{conv}(1{\to}6, 5) \to \text{maxpool} \to \text{conv}(6{\to}16, 5) \to \text{maxpool} \to 400 \to 120 \to 84 \to 10",
        sizes=[((1, 32, 32), 1), ((1, 32, 32), 3)],
        too_small=((1, 8, 8), "conv2"),
        mistakes=[_BIAS_FORGOTTEN, _FLOPS_AS_MACS, _CONNECTIONS_WITHOUT_BIAS],
        notes="61,706 parameters; C3 is fully connected (2,416), pooling is max pooling without parameters.",
    ),
    _block_record(
        id="arch.lenet5/modern-forward", name="lenet5_modern",
        equation=r"y = \mathrm{fc}_3(\mathrm{relu}(\mathrm{fc}_2(\mathrm{relu}(\mathrm{fc}_1(\mathrm{flat}(P(\mathrm{relu}(K_2 * P(\mathrm{relu}(K_1 * x))))))))))",
        inputs=_lenet_inputs, edge_bank=_lenet_edges,
        mistakes=[Mistake("average-pooling", "average pooling where it max-pools", M.lenet5_modern_avg_pool),
         Mistake("relu-on-logits", "a ReLU after the output layer", M.lenet5_modern_relu_on_logits),
         Mistake("backward-pool-gradient-spread", "max pooling's gradient spread over the window",
                 M.lenet5_modern_backward_spread_pool, "backward")],
        errors=_block_errors(lambda dt: _lenet_edges(dt)[0], {}),
    ),
    _table_record(
        id="arch.alexnet", name="alexnet", builder="alexnet",
        equation=r"\text{conv}_{11,s4}(64) \to \text{conv}_5(192) \to \text{conv}_3(384, 256, 256) \to 6{\times}6 \to 4096 \to 4096 \to 1000",
        sizes=[((3, 224, 224), 1), ((3, 67, 83), 2)],
        too_small=((3, 8, 8), "features.2"),
        mistakes=[_BIAS_FORGOTTEN, _FLOPS_AS_MACS],
        published=TORCHVISION["alexnet"],
    ),
    _table_record(
        id="arch.alexnet/2tower", name="alexnet-2tower", builder="alexnet_2tower",
        equation=r"\text{conv}_{11,s4}(96) \to \text{conv}_{5,g2}(256) \to \text{conv}_3(384) \to \text{conv}_{3,g2}(384) \to "
        r"\text{conv}_{3,g2}(256) \to 4096 \to 4096 \to 1000",
        sizes=[((3, 227, 227), 1), ((3, 230, 229), 2)],
        too_small=((3, 8, 8), "conv1"),
        mistakes=[Mistake("groups-ignored", "conv2, conv4, conv5 as full convolutions: one tower twice as wide",
                          M.alexnet_2tower_groups_ignored, "networks.alexnet_2tower"),
                  Mistake("conv3-grouped", "conv3 split between the GPUs too", M.alexnet_2tower_conv3_grouped,
                          "networks.alexnet_2tower"),
                  _FLOPS_AS_MACS],
        deviations=[
            Deviation("Krizhevsky et al. (2012) give 253,440 neurons for the first layer; its 96 maps of 55×55 have "
                      "290,400 (253,440 = 55·48·96); the other seven layer sizes agree",
                      "an error in the paper, not in the counting", _alexnet_2012_neurons, source="paper"),
            Deviation("the paper's 224×224 input gives (224 − 11)/4 + 1 = 54.25, not its 55×55 maps; 227×227 is used",
                      "the paper's own arithmetic; at 224 fc6 would get 6,400 inputs instead of 9,216",
                      _alexnet_paper_input, source="paper")],
        notes="60,965,224 parameters (the paper: 60 million); LRN as in the paper, k = 2, n = 5, α = 1e-4, β = 0.75.",
    ),
    _table_record(
        id="arch.vgg16", name="vgg16", builder="vgg16",
        equation=r"[\text{conv}_3]^{2,2,3,3,3}(64, 128, 256, 512, 512) \text{ with max pools} \to 7{\times}7 \to 4096 \to 4096 \to 1000",
        sizes=[((3, 224, 224), 1), ((3, 40, 56), 2)],
        too_small=((3, 16, 16), "features.30"),
        mistakes=[_BIAS_FORGOTTEN, _FLOPS_AS_MACS],
        published=TORCHVISION["vgg16"],
    ),
    _table_record(
        id="arch.inception", name="googlenet", builder="googlenet",
        equation=r"\text{Inception}: [1{\times}1;\ 1{\times}1 \to 3{\times}3;\ 1{\times}1 \to 3{\times}3^*;\ \text{maxpool} \to 1{\times}1],"
        r"\ \text{each conv} + \text{BN} + \text{ReLU}",
        sizes=[((3, 224, 224), 1), ((3, 37, 45), 2)],
        too_small=((3, 8, 8), "maxpool3"),
        mistakes=[Mistake("aux-heads-counted", "the two auxiliary classifiers counted at inference (13.0 M parameters)",
                          M.summary_aux_heads_counted, "networks.summary"),
                  _BN_FORGOTTEN, _CONV_BIAS_ASSUMED],
        published=TORCHVISION["googlenet"], aux_size=(3, 224, 224),
        deviations=[Deviation(
            "torchvision's GoogLeNet (and so this one) uses 3×3 kernels in the \"5×5\" branch; the paper's module "
            "(branch3_kernel=5) has 8,192 more parameters in inception 3a",
            "a bug torchvision keeps for its pretrained weights", _torchvision_branch3_is_3x3)],
        notes="The auxiliary classifiers (after 4a and 4d) run only in training; the inference count excludes them, "
              "summary(..., aux=True) includes them (13,004,888 parameters).",
    ),
    _block_record(
        id="arch.inception/module", name="inception",
        equation=r"y = [B_{1\times1}(x);\ B_{3\times3}(B_{1\times1}(x));\ B_{k\times k}(B_{1\times1}(x));\ B_{1\times1}(\mathrm{maxpool}_{3,1,1}(x))],"
        r"\ B = \mathrm{relu} \circ \mathrm{BN}_{\epsilon = 10^{-3}} \circ \mathrm{conv}",
        inputs=_inception_inputs, edge_bank=_inception_edges,
        mistakes=[Mistake("branches-swapped", "the 3×3 branch's maps before the 1×1 branch's", M.inception_branches_swapped),
         Mistake("average-pool-branch", "average pooling in the pool branch", M.inception_avg_pool_branch),
         Mistake("backward-first-branch-only", "the input's gradient from the 1×1 branch alone",
                 M.inception_backward_first_branch_only, "backward")],
        errors=_block_errors(lambda dt: _inception_edges(dt)[0], {}), tolerances=_BN_FLOAT32, notes=_BN_NOTE,
    ),
    _table_record(
        id="arch.resnet", name="resnet18", builder="resnet18",
        equation=r"\text{conv}_{7,s2,p3} \to \text{maxpool}_{3,s2,p1} \to [\text{basic}]^{2,2,2,2} \to \text{avgpool} \to 1000",
        sizes=[((3, 224, 224), 1), ((3, 35, 50), 2)],
        mistakes=[Mistake("stem-padding-1", "the 7×7 stem with padding 1 (110×110 maps, not 112×112)",
                          M.resnet18_stem_padding_1, "networks.resnet18"),
                  _BN_FORGOTTEN, _CONV_BIAS_ASSUMED],
        published=TORCHVISION["resnet18"],
    ),
    _table_record(
        id="arch.resnet/50", name="resnet50", builder="resnet50",
        equation=r"\text{conv}_{7,s2,p3} \to \text{maxpool} \to [\text{bottleneck}]^{3,4,6,3},\ \text{stride on the } 3{\times}3 \text{ (v1.5)}",
        sizes=[((3, 224, 224), 1), ((3, 35, 50), 2)],
        mistakes=[Mistake("stem-padding-0", "the 7×7 stem without padding (109×109 maps)", M.resnet50_stem_padding_0,
                          "networks.resnet50"),
                  Mistake("stride-on-first-1x1", "ResNet v1's stride on the first 1×1: same parameters, fewer MACs",
                          M.resnet50_stride_on_first_1x1, "networks.resnet50"),
                  _BN_FORGOTTEN],
        published=TORCHVISION["resnet50"],
        notes="He et al. (2016, Table 1) give ResNet-50 3.8×10⁹ FLOPs, which are multiply-adds of v1 (the stride on "
              "the first 1×1: 3,857,973,248 MACs, the stride-on-first-1x1 mistake here); torchvision's v1.5 costs "
              "4,089,184,256.",
    ),
    _block_record(
        id="arch.resnet/basic-block", name="basic_block",
        equation=r"y = \mathrm{relu}\bigl(\mathrm{BN}(K_2 * \mathrm{relu}(\mathrm{BN}(K_1 *_s x))) + S(x)\bigr)",
        inputs=lambda dt: _residual_inputs(_basic, dt), edge_bank=_basic_edges,
        mistakes=[Mistake("relu-before-add", "relu(F(x)) + x", M.basic_block_relu_before_add),
         Mistake("no-final-relu", "F(x) + x without the ReLU after the sum", M.basic_block_no_final_relu),
         Mistake("backward-skip-dropped", "no gradient through the shortcut", M.basic_block_backward_skip_dropped, "backward")],
        errors=_block_errors(lambda dt: _basic_edges(dt)[2], {"stride": 2}), tolerances=_BN_FLOAT32, notes=_BN_NOTE,
    ),
    _block_record(
        id="arch.resnet/bottleneck", name="bottleneck",
        equation=r"y = \mathrm{relu}\bigl(\mathrm{BN}(K_3 * \mathrm{relu}(\mathrm{BN}(K_2 *_s \mathrm{relu}(\mathrm{BN}(K_1 * x))))) + S(x)\bigr)",
        inputs=lambda dt: _residual_inputs(_bottleneck, dt), edge_bank=_bottleneck_edges,
        mistakes=[Mistake("relu-before-add", "relu(F(x)) + x", M.bottleneck_relu_before_add),
         Mistake("stride-on-first-1x1", "ResNet v1: the stride on the first 1×1", M.bottleneck_stride_on_first_1x1),
         Mistake("backward-skip-dropped", "no gradient through the shortcut", M.bottleneck_backward_skip_dropped, "backward")],
        errors=_block_errors(lambda dt: _bottleneck_edges(dt)[2], {"stride": 2}), tolerances=_BN_FLOAT32, notes=_BN_NOTE,
    ),
)
