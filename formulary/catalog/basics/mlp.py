"""The multilayer perceptron: forward, backpropagation, training, and the collapse of linear stacks."""

from __future__ import annotations

import math
import warnings

import numpy as np
import torch
from hypothesis import strategies as st

from formulary.candidate import reference
from formulary.catalog.basics._common import ACTIVATIONS, SECTION
from formulary.mistakes import basics as M
from formulary.record import Deviation, ErrorInput, Mistake, Record, Sample
from formulary.strategies import arrays, floats, samples
from formulary.verdict import expect

# -- the MLP ---------------------------------------------------------------------------------

def _mlp_inputs(dt, max_side=4):
    arch = st.tuples(st.lists(st.integers(1, max_side), min_size=2, max_size=4), st.integers(1, 4))
    return arch.flatmap(lambda a: samples(
        arrays(dt, (a[1], a[0][0]), -3.0, 3.0),
        st.tuples(*[arrays(dt, (o, i), -1.5, 1.5) for i, o in zip(a[0][:-1], a[0][1:])]).map(list),
        st.tuples(*[arrays(dt, (o,), -1.0, 1.0) for o in a[0][1:]]).map(list),
        st.sampled_from(ACTIVATIONS), st.sampled_from(ACTIVATIONS)))


def _torch_mlp(x, ws, bs, activation, output_activation, grad=None):
    """torch's forward (and, given ``grad``, autograd's gradients of every weight and bias)."""
    tw = [torch.tensor(w, requires_grad=True) for w in ws]
    tb = [torch.tensor(b, requires_grad=True) for b in bs]
    out = reference("basics.mlp_forward")(torch.tensor(x), tw, tb, activation, output_activation)
    if grad is None:
        return out.detach().numpy()
    out.backward(torch.tensor(grad))
    return [w.grad.numpy() for w in tw], [b.grad.numpy() for b in tb]


def _one_neuron_one_layer(candidate):
    """Read with the doubled digit undone, line 250 says an MLP may have one output neuron and one hidden
    layer: the smallest such network (one hidden unit) runs, and equals torch's."""
    x = np.array([[0.5, -1.0], [2.0, 0.25]])
    ws, bs = _random_layers(np.float64, [2, 1, 1], seed=3)
    got = candidate.get("basics.mlp_forward")(x, ws, bs, "tanh", "identity")
    want = _torch_mlp(x, ws, bs, "tanh", "identity")
    expect(got.shape == (2, 1) and np.allclose(got, want, rtol=1e-12, atol=0),
           f"a 2-1-1 MLP should give torch's {want.ravel()}, got {np.ravel(got)}")
    return {"hidden layers": 1, "output neurons": 1, "output": got.ravel().tolist()}


def _backprop_completed(candidate):
    """The section the guide leaves 'to be updated' is completed by mlp_backward: every layer's gradient
    equals torch.autograd's on a 3-4-2 network."""
    x = np.random.default_rng(5).uniform(-2, 2, (3, 3))
    ws, bs = _random_layers(np.float64, [3, 4, 2], seed=5)
    g = np.random.default_rng(6).uniform(-1, 1, (3, 2))
    got = candidate.get("basics.mlp_backward")(g, x, ws, bs, "sigmoid", "identity")
    want_w, want_b = _torch_mlp(x, ws, bs, "sigmoid", "identity", grad=g)
    _, grad_w, grad_b = got  # (grad_input, grad_weights, grad_biases)
    got_all, want_all = [*grad_w, *grad_b], [*want_w, *want_b]
    expect(len(got_all) == len(want_all) and all(np.allclose(a, b, rtol=1e-10, atol=1e-12)
                                                 for a, b in zip(got_all, want_all, strict=True)),
           "mlp_backward's weight and bias gradients should equal torch.autograd's on a 3-4-2 network")
    return {"layers checked": 2}


def _random_layers(dt, sizes, seed=0):
    rng = np.random.default_rng(seed)
    ws = [rng.uniform(-1, 1, (o, i)).astype(dt) for i, o in zip(sizes[:-1], sizes[1:])]
    bs = [rng.uniform(-1, 1, o).astype(dt) for o in sizes[1:]]
    return ws, bs


def _mlp_edges(dt):
    ws, bs = _random_layers(dt, [3, 4, 2])
    x = np.random.default_rng(1).uniform(-2, 2, (3, 3)).astype(dt)
    out = [Sample((x, ws, bs, act, out_act), {}, f"{act} hidden, {out_act} output")
           for act in ACTIVATIONS for out_act in ("identity", "sigmoid")]
    w0, b0 = _random_layers(dt, [2, 0, 2])
    out += [
        Sample((np.zeros((0, 3), dt), ws, bs, "tanh", "identity"), {}, "empty batch"),
        Sample((x[:, :2], w0, b0, "relu", "identity"), {}, "a hidden layer of width 0: the output is the last bias"),
        Sample((np.zeros((2, 3), dt), ws, [np.zeros(4, dt), bs[1]], "relu", "relu"), {},
               "pre-activations exactly 0 (relu's kink)"),
        Sample((np.array([[30.0, -30.0, 50.0]], dt), ws, bs, "sigmoid", "tanh"), {}, "saturated units"),
        Sample((x, ws[:1], bs[:1], "tanh", "sigmoid"), {}, "one layer"),
        Sample((x, ws, bs), {}, "the default activations (tanh hidden, identity output)"),
    ]
    return out


def _mlp_errors():
    ws, bs = _random_layers(np.float64, [3, 4, 2])
    x = np.zeros((2, 3))
    return (
        ErrorInput(Sample((x, [ws[0], ws[0]], bs)), ValueError, r"weights\[1\] has shape"),
        ErrorInput(Sample((x, ws, bs[:1])), ValueError, r"weights and biases"),
        ErrorInput(Sample((x, ws, bs, "softmax")), ValueError, r"activation='softmax'"),
        ErrorInput(Sample((x, [ws[0].astype(np.float32), ws[1]], bs)), TypeError, r"weights\[0\]"),
        ErrorInput(Sample((np.zeros(3), ws, bs)), ValueError, r"input must be \(N, in_features\)"),
        ErrorInput(Sample((x, ws, bs, 1)), TypeError,
                   r"^activation must be one of \['identity', 'relu', 'sigmoid', 'tanh'\], got int$"),
        ErrorInput(Sample((x, ws, bs, "tanh", "softmax")), ValueError, r"^output_activation='softmax'"),
        ErrorInput(Sample((x, np.stack(ws[:1]), bs), {}, "weights as an array"), TypeError,
                   r"^weights and biases must be lists of arrays, one per layer$"),
        ErrorInput(Sample((x, ws, None), {}, "biases None"), TypeError,
                   r"^weights and biases must be lists of arrays, one per layer$"),
        ErrorInput(Sample((x, [ws[0].astype(int), ws[1]], bs), {}, "an integer weight"), TypeError,
                   r"^weights\[0\] must be"),
        ErrorInput(Sample((x, ws, [bs[0], bs[1].astype(int)]), {}, "an integer bias"), TypeError,
                   r"^biases\[1\] must be"),
        ErrorInput(Sample((x, [w.astype(np.float32) for w in ws], [b.astype(np.float32) for b in bs]), {},
                          "float32 layers, a float64 input"), TypeError,
                              r"^weights\[0\] and biases\[0\] must have dtype float64"),
        ErrorInput(Sample((x, [ws[0][:, :2], ws[1]], bs), {}, "a first weight of fan-in 2 for 3 features"), ValueError,
                   r"^weights\[0\] has shape \(4, 2\), expected \(out_features, 3\)$"),
        ErrorInput(Sample((x, ws, [bs[0][:3], bs[1]]), {}, "a bias of 3 for 4 units"), ValueError,
                   r"^biases\[0\] has shape \(3,\), expected \(4,\)$"),
        ErrorInput(Sample((x.astype(int), ws, bs), {}, "an integer input"), TypeError, r"^input\b"),
        ErrorInput(Sample(([3, 0, 2],)), ValueError, r"^sizes must be at least 1", "basics.init_mlp"),
        ErrorInput(Sample(([3],)), ValueError, r"^sizes must list at least the input and output sizes",
                   "basics.init_mlp"),
    )


def _init_like_torch(candidate):
    init = candidate.get("basics.init_mlp")
    sizes = [5, 16, 3]
    ws, bs = init(sizes, seed=3)
    again, _ = init(sizes, seed=3)
    other, _ = init(sizes, seed=4)
    expect(all(np.array_equal(a, b) for a, b in zip(ws, again)), "init_mlp is not reproducible from its seed")
    expect(not np.array_equal(ws[0], other[0]), "init_mlp ignores its seed")
    for i, (w, b) in enumerate(zip(ws, bs)):
        layer = torch.nn.Linear(sizes[i], sizes[i + 1])
        # torch.nn.Linear.reset_parameters: kaiming_uniform_(a=√5), i.e. bound = gain·√(3/fan_in)
        bound = torch.nn.init.calculate_gain("leaky_relu", math.sqrt(5)) * math.sqrt(3 / sizes[i])
        expect(w.shape == tuple(layer.weight.shape) and b.shape == tuple(layer.bias.shape),
               f"layer {i}: shapes {w.shape}, {b.shape}")
        expect(np.abs(w).max() <= bound and np.abs(b).max() <= bound,
               f"layer {i}: values beyond ±1/√fan_in = {bound:.3f}")
        expect(np.abs(w).max() > 0.8 * bound, f"layer {i}: weights use under 80% of ±1/√fan_in: not torch's scale")
    by_default, seed0 = init(sizes), init(sizes, seed=0)
    expect(all(np.array_equal(a, b) for a,
               b in zip([*by_default[0], *by_default[1]], [*seed0[0], *seed0[1]], strict=True)),
           "init_mlp's default seed should be 0")
    one, f32 = init([4, 2]), init([4, 3, 2], dtype=np.float32)
    expect(len(one[0]) == 1 and one[0][0].shape == (2, 4), "init_mlp([4, 2]) is one layer (in 4, out 2)")
    expect(all(a.dtype == np.float32 for a in [*f32[0], *f32[1]]),
           "init_mlp(dtype=np.float32) should give float32 arrays")
    return {"sizes": sizes}


def _collapse_claim(candidate):
    forward, collapse = candidate.get("basics.mlp_forward"), candidate.get("basics.collapse_linear")
    rng = np.random.default_rng(0)
    worst, residuals = 0.0, {}
    for sizes in ([3, 3, 3, 3], [4, 6, 5, 2], [2, 8, 8, 1]):  # all-square first: a reversed product still runs
        ws, bs = _random_layers(np.float64, sizes, seed=len(sizes) + sizes[-1])
        x = rng.uniform(-2, 2, (50, sizes[0]))
        w, b = collapse(ws, bs)
        tw = [torch.from_numpy(a) for a in ws]
        w_ref = torch.linalg.multi_dot(tw[::-1]) if len(tw) > 1 else tw[0]
        b_ref = sum((torch.linalg.multi_dot([*tw[:i:-1], torch.from_numpy(bl)[:, None]])[:, 0] if i < len(tw) - 1
                     else torch.from_numpy(bl)) for i, bl in enumerate(bs))
        expect(np.allclose(w, w_ref.numpy(), rtol=1e-12, atol=1e-12),
               f"{sizes}: collapsed W differs from torch's W^L⋯W^1")
        expect(np.allclose(b, b_ref.numpy(), rtol=1e-12, atol=1e-12), f"{sizes}: collapsed b differs from torch's")
        deep = forward(x, ws, bs, "identity")
        diff = float(np.abs(deep - (x @ w.T + b)).max())
        expect(diff <= 1e-12 * max(1.0, float(np.abs(deep).max())),
               f"{sizes}: the linear stack differs from one layer by {diff}")
        worst = max(worst, diff)
        for act in ("relu", "tanh"):  # with a non-linearity, no affine map fits the network
            y = forward(x, ws, bs, act)
            design = np.hstack([x, np.ones((len(x), 1))])
            fit = design @ np.linalg.lstsq(design, y, rcond=None)[0]
            rel = float(np.linalg.norm(y - fit) / np.linalg.norm(y - y.mean(0)))
            expect(rel > 1e-3, f"{sizes} with {act}: an affine map fits the network (relative residual {rel:.2g})")
            residuals[f"{sizes} {act}"] = round(rel, 4)
    ws, bs = _random_layers(np.float32, [3, 4, 2], seed=1)
    w, b = collapse(ws, bs)
    expect(w.dtype == b.dtype == np.float32 and np.allclose(w, ws[1] @ ws[0], rtol=1e-6),
           f"a float32 stack collapses to a float32 layer W²W¹, got {w.dtype}, {b.dtype}")
    return {"largest |stack − single layer| (identity)": worst, "relative residual of the best affine fit": residuals}


def _descends(sample) -> bool:
    """Whether the run, in float64, ends with a loss no larger than it started with."""
    x, y, ws, bs, *rest = sample.args
    t = [torch.from_numpy(np.asarray(a, np.float64)) for a in (x, y)]
    losses = reference("basics.mlp_train")(*t, [torch.from_numpy(np.asarray(w, np.float64)) for w in ws],
                                           [torch.from_numpy(np.asarray(b, np.float64)) for b in bs], *rest)[2]
    return bool(losses[-1] <= losses[0])


def _train_inputs(dt):
    arch = st.tuples(st.lists(st.integers(1, 3), min_size=2, max_size=3), st.integers(1, 4))
    drawn = arch.flatmap(lambda a: samples(
        arrays(dt, (a[1], a[0][0]), -2.0, 2.0), arrays(dt, (a[1], a[0][-1]), -1.0, 1.0),
        st.tuples(*[arrays(dt, (o, i), -1.0, 1.0) for i, o in zip(a[0][:-1], a[0][1:])]).map(list),
        st.tuples(*[arrays(dt, (o,), -1.0, 1.0) for o in a[0][1:]]).map(list),
        floats(np.float64, 0.01, 0.5), st.integers(1, 4), st.sampled_from(ACTIVATIONS), st.sampled_from(ACTIVATIONS)))
    # A diverging run (the loss growing ×4 an epoch) amplifies float32 rounding until the last digits mean
    # nothing: on one, torch and impl each ended 3e-4 from the float64 truth (0.91051 and 0.91115 for 0.91081).
    # float32 is judged on runs that descend; float64, where rounding stays far below the tolerance, on all.
    return drawn.filter(_descends) if np.dtype(dt) == np.float32 else drawn


def _train_edges(dt):
    ws, bs = _random_layers(dt, [2, 3, 2])
    x = np.random.default_rng(2).uniform(-1, 1, (5, 2)).astype(dt)
    y = np.random.default_rng(3).uniform(-1, 1, (5, 2)).astype(dt)
    return [*(Sample((x, y, ws, bs, 0.3, 6, act, "identity"), {}, f"{act}, 6 epochs")
              for act in ("tanh", "relu", "sigmoid")),
            Sample((x, y, ws, bs), {}, "the defaults: lr 0.1, 100 epochs, tanh hidden, identity output")]


def _diverges_quietly(candidate):
    """The docstring's promise: a learning rate too large diverges to non-finite losses and weights, without a
    warning (overflow and inf − inf are results there, not errors)."""
    ws, bs = _random_layers(np.float64, [2, 3, 1], seed=7)
    x, y = np.array([[0.5, -1.0], [2.0, 0.25], [1.0, 1.0]]), np.array([[1.0], [-1.0], [0.5]])
    with warnings.catch_warnings(), np.errstate(over="warn", invalid="warn"):
        warnings.simplefilter("error")
        ws, bs, losses = candidate.get("basics.mlp_train")(x, y, ws, bs, lr=1e6, epochs=30)
    expect(not np.isfinite(losses[-1]) and not all(np.isfinite(w).all() for w in ws),
           f"lr = 1e6 should diverge to non-finite losses and weights, last loss {losses[-1]}")
    return {"last loss at lr 1e6": float(losses[-1])}


MLP_FORWARD_MISTAKES = (
    Mistake("output-activated", "the hidden activation applied to the output layer too",
            M.mlp_forward_output_activated),
    Mistake("bias-after-activation", "f(x Wᵀ) + b instead of f(x Wᵀ + b)", M.mlp_forward_bias_after_activation),
    Mistake("activation-ignored", "the activation argument accepted and ignored", M.mlp_forward_activation_ignored),
)


def _activation_not_linear(candidate):
    """Against line 335: the guide's activations are not linear maps, f(a + b) ≠ f(a) + f(b)."""
    a, b = np.array([-1.0, 0.5, 2.0]), np.array([2.0, -1.5, 1.0])
    found = {}
    for name in ("activations.relu", "activations.sigmoid", "activations.tanh"):
        f = candidate.get(name)
        gap = float(np.max(np.abs(f(a + b) - (f(a) + f(b)))))
        expect(gap > 0.1, f"{name} behaves as a linear map on the probe: |f(a + b) − f(a) − f(b)| = {gap:.3g}")
        found[f"{name}: max |f(a + b) − f(a) − f(b)|"] = gap
    return found

RECORDS = (
    Record(
        id="nn.mlp.forward",
        kind="F",
        section=SECTION,
        equation=r"a^0 = x,\quad a^l = f(a^{l-1} W^{l\top} + b^l),\quad \hat y = f_L(a^{L-1} W^{L\top} + b^L)",
        candidate="basics.mlp_forward",
        reference="basics.mlp_forward",
        inputs=_mlp_inputs,
        edges=_mlp_edges,
        check=_init_like_torch,
        mistakes=MLP_FORWARD_MISTAKES,
        errors=_mlp_errors(),
        deviations=(Deviation(
            "line 250: 'the output layer may have more than 11 neurons; the hidden layers may be just 11' "
            "(不止有11个神经元 ... 只有11层)",
            "the extraction doubled the digit: read 1 neuron and 1 layer (a single output and a single hidden layer "
            "are the smallest MLP, which the edge bank holds)", _one_neuron_one_layer, source="extraction"),),
    ),
    Record(
        id="nn.backprop",
        kind="F",
        section=SECTION,
        equation=r"\delta^L = g \odot f_L'(z^L),\ \delta^l = (\delta^{l+1} W^{l+1}) \odot f'(z^l),\ "
                 r"\tfrac{\partial L}{\partial W^l} = \delta^{l\top} a^{l-1},\ \tfrac{\partial L}{\partial b^l} = "
                 r"\textstyle\sum_n \delta^l_n",
        candidate="basics.mlp_forward",
        reference="basics.mlp_forward",
        backward="basics.mlp_backward",
        grad_args=(0, 1, 2),
        inputs=_mlp_inputs,
        edges=_mlp_edges,
        mistakes=(
            Mistake("no-activation-derivative", "δ^l = δ^{l+1} W^{l+1}: f'(z^l) forgotten",
                    M.mlp_backward_no_derivative, "backward"),
            Mistake("derivative-at-output", "f' taken at a^l = f(z^l) instead of z^l",
                    M.mlp_backward_derivative_at_output, "backward"),
            Mistake("bias-gradient-mean", "the bias gradient averaged over the batch", M.mlp_backward_bias_mean,
                    "backward"),
            Mistake("wrong-layer-activation", "∂L/∂W^l = δ^{l⊤} a^l (the layer's own output)",
                    M.mlp_backward_wrong_layer, "backward"),
        ),
        errors=(
            ErrorInput(Sample((np.zeros((2, 3)), np.zeros((2, 3)), *_random_layers(np.float64, [3, 4, 2]))), ValueError,
                       r"^grad_output has shape \(2, 3\), expected the output's shape \(2, 2\)$", "backward"),
            ErrorInput(Sample((np.zeros((2, 2), int), np.zeros((2, 3)), *_random_layers(np.float64, [3, 4, 2]))),
                       TypeError,
                       r"^grad_output\b", "backward"),
        ),
        deviations=(Deviation(
            "line 280: the backpropagation section stops at 'this part is to be updated' (此部分待更新)",
            "completed here: the δ recursion and every layer's gradient, in mlp_backward's docstring and code, "
            "held against torch.autograd", _backprop_completed, source="guide omission"),),
    ),
    Record(
        id="nn.backprop/sgd",
        kind="F",
        section=SECTION,
        equation=r"L = \tfrac{1}{NK}\textstyle\sum (\hat y - y)^2,\quad \theta \leftarrow \theta - \eta\, \partial "
                 r"L/\partial\theta "
                 r"\ (\texttt{torch.optim.SGD},\ \texttt{F.mse\_loss})",
        candidate="basics.mlp_train",
        reference="basics.mlp_train",
        inputs=_train_inputs,
        notes="float32 samples are runs whose loss descends: a diverging run amplifies float32 rounding past any "
              "meaningful tolerance (measured: torch and impl each 3e-4 from the float64 truth after 4 epochs of "
              "a loss growing ×4 an epoch); float64 draws every run.",
        edges=_train_edges,
        check=_diverges_quietly,
        output_names=("weights", "biases", "losses"),
        mistakes=(
            Mistake("loss-gradient-without-two", "∂L/∂ŷ = (ŷ − y)/N", M.mlp_train_without_two),
            Mistake("mean-over-samples-only", "the loss summed over outputs", M.mlp_train_mean_over_samples_only),
            Mistake("gradient-ascent", "θ ← θ + η∇L", M.mlp_train_ascent),
        ),
        errors=(
            ErrorInput(Sample((np.zeros((2, 3)), np.zeros((2, 2)), *_random_layers(np.float64, [3, 4, 2])),
                              {"epochs": 0}),
                       ValueError, r"^epochs\b"),
            ErrorInput(Sample((np.zeros((2, 3)), np.zeros((2, 2)), *_random_layers(np.float64, [3, 4, 2])),
                              {"lr": "0.1"}),
                       TypeError, r"^lr\b"),
            ErrorInput(Sample((np.zeros((2, 3)), np.zeros((2, 2), int), *_random_layers(np.float64, [3, 4, 2]))),
                       TypeError,
                       r"^target\b"),
            ErrorInput(Sample((np.zeros((2, 3)), np.zeros((2, 3)), *_random_layers(np.float64, [3, 4, 2]))),
                       ValueError, r"target has shape"),
            ErrorInput(Sample((np.zeros((2, 3)), np.zeros((2, 3)), *_random_layers(np.float64, [3, 4, 5, 2])), {},
                              "three layers"),
                       ValueError,
                           r"^target has shape \(2, 3\) and dtype float64, expected the output's \(2, 2\), float64$"),
            ErrorInput(Sample((np.zeros((0, 3)), np.zeros((0, 2)), *_random_layers(np.float64, [3, 4, 2]))), ValueError,
                       r"^input has no samples to train on$"),
        ),
    ),
    Record(
        id="nn.linear_collapse",
        kind="C",
        section=SECTION,
        equation=r"x W^{1\top} \cdots W^{L\top} + \ldots = x W^\top + b,\ W = W^L \cdots W^1,\ b = \textstyle\sum_l "
                 r"W^L \cdots W^{l+1} b^l",
        check=_collapse_claim,
        mistakes=(
            Mistake("first-bias-only", "the later layers' biases forgotten", M.collapse_linear_first_bias_only,
                    "basics.collapse_linear"),
            Mistake("last-bias-only", "only the last layer's bias kept", M.collapse_linear_last_bias,
                    "basics.collapse_linear"),
            Mistake("reversed-product", "W = W^1 W^2 ⋯ W^L", M.collapse_linear_reversed, "basics.collapse_linear"),
        ),
        errors=(ErrorInput(Sample(([np.zeros((2, 3))], [])), ValueError, r"weights and biases",
                           "basics.collapse_linear"),),
        deviations=(Deviation("line 335: an activation maps the features to another space 'through a linear mapping' "
                              "(通过一定的线性映射)",
                              "the activation is what is not linear: were it a linear map, every stack would collapse "
                              "to one "
                              "linear layer, as this record proves of linear stacks", _activation_not_linear,
                              source="guide"),),
    ),

)
