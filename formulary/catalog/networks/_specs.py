"""The pieces the network tables are made of, checked on their own: layer specs against torch's
modules on the options the classic networks leave at their defaults, bad options named in
the error, and the summary's walk through residual blocks, concatenations and side heads."""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from formulary.candidate import reference
from formulary.catalog.search._shared import raises
from formulary.verdict import expect

# (spec, args, kwargs, input shape, compare connections): each spec against the torch module of
# the same name and arguments (LeNet's own in reference.networks).  Connections are compared
# where every window lies inside the input: torch's probe counts only real inputs.
_LAYERS = (
    ("Conv2d", (2, 4, (3, 2)), {"stride": (2, 1), "padding": (1, 0), "dilation": 2, "groups": 2}, (2, 2, 9, 8), False),
    ("Conv2d", (2, 4, 3), {"bias": False}, (1, 2, 5, 5), True),
    ("Linear", (6, 4), {"bias": False}, (3, 6), True),
    ("BatchNorm2d", (3,), {"affine": False}, (2, 3, 4, 4), False),
    ("MaxPool2d", (3,), {"ceil_mode": True}, (1, 2, 8, 8), False),
    ("MaxPool2d", ((2, 3), (1, 2), (1, 0)), {}, (1, 1, 5, 7), False),
    ("MaxPool2d", (2,), {}, (1, 2, 6, 4), True),
    ("AvgPool2d", (2,), {"padding": 1}, (1, 2, 5, 5), False),
    ("AdaptiveAvgPool2d", ((2, 3),), {}, (2, 4, 7, 7), False),
    ("Subsampling", (3,), {"kernel_size": 3}, (1, 3, 9, 9), True),
    ("RBF", (6, 4), {}, (2, 6), True),
    ("LocalResponseNorm", (3,), {}, (1, 4, 5, 5), False),
    ("Dropout", (), {"p": 0.3}, (2, 5), False),
    ("Flatten", (), {}, (2, 3, 4, 4), False),
)


def _layer(candidate, kind: str):
    return candidate.get(f"networks.{kind}")


def _layers_against_torch(candidate) -> dict:
    """Output shape, parameters and MACs of each spec of :data:`_LAYERS` (and connections
    where asked) as torch's module gives them."""
    for kind, args, kwargs, shape, units in _LAYERS:
        spec = _layer(candidate, kind)(*args, **kwargs)
        torch_count = reference("networks.layer")(kind, args, kwargs, shape)
        got = {"output_shape": tuple(spec.output_shape(shape)), "params": spec.params(), "macs": spec.macs(shape),
               "connections": spec.connections(shape) if units else None}
        if not units:
            torch_count = {**torch_count, "connections": None}
        expect(got == torch_count, f"{spec} on {shape}: {got}, torch {torch_count}")
    return {"layer specs against torch": len(_LAYERS)}


def _bad_options(candidate) -> None:
    """An option below its minimum or of the wrong type, an input of the wrong rank or
    channels, a C3 table that lists no map, one twice or one out of range: a clear error
    naming what is wrong."""
    L = lambda kind: _layer(candidate, kind)  # noqa: E731
    image, flat = (1, 2, 8, 8), (1, 5)
    cases = (
        (lambda: L("Conv2d")(2, 4, 2.5).output_shape(image), TypeError, r"^kernel_size must be an int, got float$"),
        (lambda: L("MaxPool2d")(0).output_shape(image), ValueError, r"^kernel_size must be at least 1, got 0$"),
        (lambda: L("Conv2d")(2, 4, 3, stride=0).output_shape(image), ValueError, r"^stride must be at least 1, got 0$"),
        (lambda: L("Conv2d")(2, 4, 3, stride=(1, 2, 3)).output_shape(image), ValueError,
         r"^stride must be an int or a pair \(h, w\), got 3 values$"),
        (lambda: L("Conv2d")(2, 4, 3, padding=-1).output_shape(image), ValueError,
         r"^padding must be at least 0, got -1$"),
        (lambda: L("Conv2d")(2, 4, 3, dilation=0).output_shape(image), ValueError,
         r"^dilation must be at least 1, got 0$"),
        (lambda: L("MaxPool2d")(2, ceil_mode=1).output_shape(image), TypeError, r"^ceil_mode must be a bool"),
        (lambda: L("AdaptiveAvgPool2d")(0).output_shape(image), ValueError, r"^output_size must be at least 1, got 0$"),
        (lambda: L("MaxPool2d")(2).output_shape(flat), ValueError,
         r"^MaxPool2d expects an \(N, C, H, W\) input, got shape \(1, 5\)$"),
        (lambda: L("AdaptiveAvgPool2d")(1).output_shape(flat), ValueError,
         r"^AdaptiveAvgPool2d expects an \(N, C, H, W\) input, got shape \(1, 5\)$"),
        (lambda: L("Linear")(4, 2).output_shape(flat), ValueError,
         r"^Linear\(in_features=4, .*\) expects an \(N, 4\) input, got shape \(1, 5\)$"),
        (lambda: L("RBF")(4, 2).output_shape(flat), ValueError,
         r"^RBF\(in_features=4, .*\) expects an \(N, 4\) input, got shape \(1, 5\)$"),
        (lambda: L("PartialConv2d")(6, ((0, 1), ()), 5), ValueError,
         r"^table\[1\] = \(\) must list distinct input maps in \[0, 6\)$"),
        (lambda: L("PartialConv2d")(6, ((0, 0),), 5), ValueError, r"^table\[0\] = \(0, 0\) must list"),
        (lambda: L("PartialConv2d")(6, ((0, 6),), 5), ValueError, r"^table\[0\] = \(0, 6\) must list"),
    )
    for call, error, pattern in cases:
        raises(error, pattern, call)
    for kind, args in (("Conv2d", (3, 4, 3)), ("PartialConv2d", (3, ((0, 1),), 3)), ("Subsampling", (3,)),
                       ("BatchNorm2d", (3,))):
        raises(ValueError, rf"^{kind}\(.*\) expects 3 input channels, got shape \(1, 2, 8, 8\)$",
               lambda kind=kind, args=args: L(kind)(*args).output_shape(image))


def _nested(candidate) -> dict:
    """The summary's walk: options and names reach every leaf through residual blocks (body,
    shortcut, after), a one-branch concatenation and side heads nested in each other, and a
    side head's rows train only.  Each leaf is a 3×3 convolution that keeps the (1, 2, 6, 6)
    shape (72 units of 2·9 + 1 connections); a side head ends in a Flatten and the network in
    a 2×2 max pool, so that the network's output is neither a side head's nor the first layer's."""
    Sequential, Residual, Concat, Aux, Network = (candidate.get(f"networks.{n}")
                                                  for n in ("Sequential", "Residual", "Concat", "Aux", "Network"))
    summary = candidate.get("networks.summary")
    conv = _layer(candidate, "Conv2d")(2, 2, 3, padding=1)

    def block(t):  # a convolution with a side head of its own
        return Sequential(((f"conv{t}", conv), (f"aux{t}", Aux(Sequential((("conv", conv),))))))

    def part(a):
        return (("res", Residual(block(a), block(a + 1), block(a + 2))), ("cat", Concat((("only", block(a + 3)),))))

    tree = Sequential((*part(1), ("side", Aux(Sequential((*part(5), ("flat", _layer(candidate, "Flatten")()))))),
                       ("pool", _layer(candidate, "MaxPool2d")(2))))
    net = Network("nested", tree, (2, 6, 6), units=True)
    main = ["res.conv1", "res.downsample.conv2", "res.conv3", "cat.only.conv4"]
    heads = ["res.aux1.conv", "res.downsample.aux2.conv", "res.aux3.conv", "cat.only.aux4.conv"]
    side = ["side.res.conv5", "side.res.aux5.conv", "side.res.downsample.conv6", "side.res.downsample.aux6.conv",
            "side.res.conv7", "side.res.aux7.conv", "side.cat.only.conv8", "side.cat.only.aux8.conv"]
    order = [main[0], heads[0], main[1], heads[1], main[2], heads[2], main[3], heads[3], *side, "side.flat", "pool"]
    for aux, names in ((True, order), (False, [*main, "pool"])):
        s = summary(net, aux=aux)
        got = [(r.name, r.training_only, r.output_shape, r.neurons, r.connections) for r in s.rows]
        want = [(n, n not in main and n != "pool", (1, 72) if n == "side.flat" else (1, 2, 3, 3) if n == "pool"
                 else (1, 2, 6, 6), None if n == "side.flat" else 18 if n == "pool" else 72,
                 None if n == "side.flat" else 72 if n == "pool" else 72 * 19) for n in names]
        expect(got == want, f"nested network (aux={aux}): rows (name, training only, shape, neurons, connections) "
                            f"{got}, expected {want}")
        expect(s.output_shape == (1, 2, 3, 3), f"nested network (aux={aux}): output {s.output_shape}, the pool's")
    leaf = summary(Network("one", conv, (2, 6, 6))).rows
    expect([r.name for r in leaf] == [""], f"a network that is one layer: row names {[r.name for r in leaf]}, "
                                           f"expected [''] (torch's name for the root module)")
    wider = Sequential((("c", _layer(candidate, "Conv2d")(2, 3, 3, padding=1)),))
    pooled = Sequential((("p", _layer(candidate, "MaxPool2d")(2)),))
    bad = (
        (Sequential((("res", Residual(wider, None, Sequential(()))),)), ValueError,
         r"^res: the body gives \(1, 3, 6, 6\) but the shortcut \(1, 2, 6, 6\); they cannot be added$"),
        (Sequential((("cat", Concat((("a", wider), ("b", pooled)))),)), ValueError,
         r"^cat: branch outputs \[\(1, 3, 6, 6\), \(1, 2, 3, 3\)\] differ in batch or spatial size$"),
        (Sequential((("odd", "conv"),)), TypeError, r"^odd: str is not a layer spec or a network node$"),
        ("conv", TypeError, r"^network: str is not a layer spec or a network node$"),
    )
    for body, error, pattern in bad:
        raises(error, pattern, lambda body=body: summary(Network("bad", body, (2, 6, 6))))
    for args, pattern in ((((2, 6),), r"^input_size must be \(C, H, W\), got \(2, 6\)$"),
                          (((2, 0, 6),), r"^input_size must be at least 1, got 0$"),
                          (((2, 6, 6), 0), r"^batch must be at least 1, got 0$")):
        raises(ValueError, pattern, lambda args=args: summary(net, *args))
    return {"nested network rows (with side heads)": len(order)}


def _executable(candidate) -> dict:
    """``forward`` on a tree that the blocks do not build: a dilated grouped convolution in a
    residual body, weights after the sum (BatchNorm), a ceil-mode max pool and an average
    pool, against the same ops in torch; a layer it cannot run is named with what it can;
    the blocks' stride defaults to 1, as torchvision's."""
    Sequential, Residual = candidate.get("networks.Sequential"), candidate.get("networks.Residual")
    L = lambda kind: _layer(candidate, kind)  # noqa: E731
    tree = Sequential((
        ("res", Residual(Sequential((("conv", L("Conv2d")(4, 4, 3, padding=2, dilation=2, groups=2)),)), None,
                         Sequential((("bn", L("BatchNorm2d")(4)), ("relu", L("ReLU")()))))),
        ("pool", L("MaxPool2d")(3, 2, ceil_mode=True)), ("avg", L("AvgPool2d")(2, ceil_mode=True)),
    ))
    rng = np.random.default_rng(7)
    x = rng.uniform(-2, 2, (2, 4, 6, 6))
    params = (rng.uniform(-1, 1, (4, 2, 3, 3)), rng.uniform(-1, 1, 4), rng.uniform(0.5, 1.5, 4), rng.uniform(-1, 1, 4))
    got = candidate.get("networks.forward")(tree, x, params)
    xt, (w, b, gamma, beta) = torch.from_numpy(x), (torch.from_numpy(p) for p in params)
    y = F.conv2d(xt, w, b, padding=2, dilation=2, groups=2) + xt
    y = F.relu(F.batch_norm(y, None, None, gamma, beta, training=True, eps=1e-5))
    want = F.avg_pool2d(F.max_pool2d(y, 3, 2, ceil_mode=True), 2, ceil_mode=True).numpy()
    expect(got.shape == want.shape and np.allclose(got, want, rtol=1e-7, atol=1e-7),
           f"forward on a dilated grouped residual with pools: {got.shape} {got.ravel()[:4]}, torch {want.shape} "
           f"{want.ravel()[:4]}")
    lrn = Sequential((("norm", L("LocalResponseNorm")(5)),))
    raises(ValueError, r"^LocalResponseNorm is not executable here \(supported: Conv2d, BatchNorm2d, Linear, ReLU, "
                       r"MaxPool2d, AvgPool2d, Flatten, Sequential, Residual, Concat\)$",
           lambda: candidate.get("networks.forward")(lrn, x, ()))
    for block in ("basic_block", "bottleneck"):
        build = candidate.get(f"networks.{block}")
        expect(build(4, 4) == build(4, 4, 1), f"{block}(4, 4) should be {block}(4, 4, stride=1)")
    return {"forward on a dilated grouped residual": list(want.shape)}
