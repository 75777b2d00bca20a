"""The classic networks as torch modules, counted by torch: the reference for impl.networks.

The modules are this project's own definitions (torchvision is not a dependency),
with torchvision's parameter names, so a torchvision state dict would load into the
ones it also has.  Counts come from torch alone: parameters are ``sum(p.numel())``,
MACs are ``torch.utils.flop_counter.FlopCounterMode``'s FLOPs / 2 per leaf module,
output shapes come from forward hooks.  LeNet-5's connections are probed: the inputs
each unit's value moves with, one input raised at a time, plus its bias.

The executable blocks at the end (``lenet5_modern``, ``basic_block``, ``bottleneck``,
``inception``) run these modules with the caller's weights through
``torch.func.functional_call``, so autograd differentiates them with respect to the
weights too.
"""

from __future__ import annotations

import math
from collections import OrderedDict

import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.flop_counter import FlopCounterMode

# -- LeNet-5 (1998) ------------------------------------------------------------------------

C3_TABLE = (  # LeCun et al. (1998), Table I, column by column
    (0, 1, 2), (1, 2, 3), (2, 3, 4), (3, 4, 5), (4, 5, 0), (5, 0, 1),
    (0, 1, 2, 3), (1, 2, 3, 4), (2, 3, 4, 5), (3, 4, 5, 0), (4, 5, 0, 1), (5, 0, 1, 2),
    (0, 1, 3, 4), (1, 2, 4, 5), (0, 2, 3, 5), (0, 1, 2, 3, 4, 5),
)


class ScaledTanh(nn.Module):
    """f(a) = 1.7159 tanh(2a/3)."""

    def forward(self, x):
        return 1.7159 * torch.tanh(x * (2.0 / 3.0))


class Subsampling(nn.Module):
    """Each map's k×k window sum times a trainable coefficient, plus a trainable bias:
    a depthwise convolution whose kernel is the coefficient repeated."""

    def __init__(self, channels: int, kernel_size: int = 2):
        super().__init__()
        self.kernel_size = kernel_size
        self.weight = nn.Parameter(torch.empty(channels).uniform_(-1, 1))
        self.bias = nn.Parameter(torch.empty(channels).uniform_(-1, 1))

    def forward(self, x):
        c, k = self.weight.numel(), self.kernel_size
        return F.conv2d(x, self.weight.view(c, 1, 1, 1).expand(c, 1, k, k), self.bias, stride=k, groups=c)


class PartialConv2d(nn.Module):
    """C3: output map j convolves only the input maps ``table[j]``."""

    def __init__(self, table, kernel_size: int):
        super().__init__()
        self.table = table
        for j, maps in enumerate(table):
            self.register_parameter(f"weight{j}",
                                    nn.Parameter(torch.empty(1, len(maps), kernel_size, kernel_size).normal_(0, 0.1)))
            self.register_buffer(f"maps{j}", torch.tensor(maps))
        self.bias = nn.Parameter(torch.zeros(len(table)))

    def forward(self, x):
        outs = [F.conv2d(x.index_select(1, getattr(self, f"maps{j}")), getattr(self, f"weight{j}"))
                for j in range(len(self.table))]
        return torch.cat(outs, 1) + self.bias.view(1, -1, 1, 1)


class RBF(nn.Module):
    """Euclidean RBF units y_i = Σ_j (x_j − w_ij)² with fixed centres (a buffer, not a
    parameter), expanded as |x|² − 2 x·w_i + |w_i|²."""

    def __init__(self, in_features: int, out_features: int):
        super().__init__()
        self.register_buffer("centres", torch.empty(out_features, in_features).bernoulli_(0.5) * 2 - 1)

    def forward(self, x):
        w = self.centres
        return (x * x).sum(1, keepdim=True) - 2 * (x @ w.t()) + (w * w).sum(1)


def _named(*pairs) -> nn.Sequential:
    return nn.Sequential(OrderedDict(pairs))


def lenet5() -> nn.Module:
    act = ScaledTanh
    return _named(
        ("c1", nn.Conv2d(1, 6, 5)), ("act1", act()), ("s2", Subsampling(6)), ("act2", act()),
        ("c3", PartialConv2d(C3_TABLE, 5)), ("act3", act()), ("s4", Subsampling(16)), ("act4", act()),
        ("c5", nn.Conv2d(16, 120, 5)), ("act5", act()), ("flatten", nn.Flatten()),
        ("f6", nn.Linear(120, 84)), ("act6", act()), ("output", RBF(84, 10)),
    )


def lenet5_modern_module() -> nn.Module:
    return _named(
        ("conv1", nn.Conv2d(1, 6, 5)), ("relu1", nn.ReLU()), ("pool1", nn.MaxPool2d(2)),
        ("conv2", nn.Conv2d(6, 16, 5)), ("relu2", nn.ReLU()), ("pool2", nn.MaxPool2d(2)),
        ("flatten", nn.Flatten()),
        ("fc1", nn.Linear(400, 120)), ("relu3", nn.ReLU()),
        ("fc2", nn.Linear(120, 84)), ("relu4", nn.ReLU()),
        ("fc3", nn.Linear(84, 10)),
    )


# -- AlexNet and VGG-16 ----------------------------------------------------------------------

class AlexNet(nn.Module):
    """torchvision's single-tower AlexNet."""

    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 64, 11, 4, 2), nn.ReLU(), nn.MaxPool2d(3, 2),
            nn.Conv2d(64, 192, 5, padding=2), nn.ReLU(), nn.MaxPool2d(3, 2),
            nn.Conv2d(192, 384, 3, padding=1), nn.ReLU(),
            nn.Conv2d(384, 256, 3, padding=1), nn.ReLU(),
            nn.Conv2d(256, 256, 3, padding=1), nn.ReLU(), nn.MaxPool2d(3, 2))
        self.avgpool = nn.AdaptiveAvgPool2d((6, 6))
        self.flatten = nn.Flatten()
        self.classifier = nn.Sequential(
            nn.Dropout(), nn.Linear(9216, 4096), nn.ReLU(),
            nn.Dropout(), nn.Linear(4096, 4096), nn.ReLU(), nn.Linear(4096, 1000))

    def forward(self, x):
        return self.classifier(self.flatten(self.avgpool(self.features(x))))


def alexnet_2tower() -> nn.Module:
    """Krizhevsky et al. (2012) on two GPUs: groups=2 where a layer sees only its own GPU.
    torch's LocalResponseNorm divides α by n, so the paper's α = 1e-4 is 5e-4 here."""
    lrn = dict(size=5, alpha=5e-4, beta=0.75, k=2.0)
    return _named(
        ("conv1", nn.Conv2d(3, 96, 11, 4)), ("relu1", nn.ReLU()), ("norm1", nn.LocalResponseNorm(**lrn)),
        ("pool1", nn.MaxPool2d(3, 2)),
        ("conv2", nn.Conv2d(96, 256, 5, padding=2, groups=2)), ("relu2", nn.ReLU()),
        ("norm2", nn.LocalResponseNorm(**lrn)), ("pool2", nn.MaxPool2d(3, 2)),
        ("conv3", nn.Conv2d(256, 384, 3, padding=1)), ("relu3", nn.ReLU()),
        ("conv4", nn.Conv2d(384, 384, 3, padding=1, groups=2)), ("relu4", nn.ReLU()),
        ("conv5", nn.Conv2d(384, 256, 3, padding=1, groups=2)), ("relu5", nn.ReLU()), ("pool5", nn.MaxPool2d(3, 2)),
        ("flatten", nn.Flatten()),
        ("fc6", nn.Linear(9216, 4096)), ("relu6", nn.ReLU()), ("drop6", nn.Dropout()),
        ("fc7", nn.Linear(4096, 4096)), ("relu7", nn.ReLU()), ("drop7", nn.Dropout()),
        ("fc8", nn.Linear(4096, 1000)),
    )


class VGG16(nn.Module):
    def __init__(self):
        super().__init__()
        layers, c = [], 3
        for v in (64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"):
            if v == "M":
                layers.append(nn.MaxPool2d(2, 2))
            else:
                layers += [nn.Conv2d(c, v, 3, padding=1), nn.ReLU()]
                c = v
        self.features = nn.Sequential(*layers)
        self.avgpool = nn.AdaptiveAvgPool2d((7, 7))
        self.flatten = nn.Flatten()
        self.classifier = nn.Sequential(
            nn.Linear(25088, 4096), nn.ReLU(), nn.Dropout(),
            nn.Linear(4096, 4096), nn.ReLU(), nn.Dropout(), nn.Linear(4096, 1000))

    def forward(self, x):
        return self.classifier(self.flatten(self.avgpool(self.features(x))))


# -- GoogLeNet ----------------------------------------------------------------------------------

class BasicConv2d(nn.Module):
    def __init__(self, in_channels, out_channels, **kwargs):
        super().__init__()
        self.conv = nn.Conv2d(in_channels, out_channels, bias=False, **kwargs)
        self.bn = nn.BatchNorm2d(out_channels, eps=0.001)
        self.relu = nn.ReLU()

    def forward(self, x):
        return self.relu(self.bn(self.conv(x)))


class Inception(nn.Module):
    def __init__(self, in_channels, ch1x1, ch3x3red, ch3x3, ch5x5red, ch5x5, pool_proj, branch3_kernel=3):
        super().__init__()
        self.branch1 = BasicConv2d(in_channels, ch1x1, kernel_size=1)
        self.branch2 = nn.Sequential(BasicConv2d(in_channels, ch3x3red, kernel_size=1),
                                     BasicConv2d(ch3x3red, ch3x3, kernel_size=3, padding=1))
        self.branch3 = nn.Sequential(BasicConv2d(in_channels, ch5x5red, kernel_size=1),
                                     BasicConv2d(ch5x5red, ch5x5, kernel_size=branch3_kernel,
                                                 padding=branch3_kernel // 2))
        self.branch4 = nn.Sequential(nn.MaxPool2d(3, 1, 1, ceil_mode=True),
                                     BasicConv2d(in_channels, pool_proj, kernel_size=1))

    def forward(self, x):
        return torch.cat([self.branch1(x), self.branch2(x), self.branch3(x), self.branch4(x)], 1)


class InceptionAux(nn.Module):
    def __init__(self, in_channels, num_classes=1000):
        super().__init__()
        self.pool = nn.AdaptiveAvgPool2d((4, 4))
        self.conv = BasicConv2d(in_channels, 128, kernel_size=1)
        self.flatten = nn.Flatten()
        self.fc1 = nn.Linear(2048, 1024)
        self.relu = nn.ReLU()
        self.dropout = nn.Dropout(0.7)
        self.fc2 = nn.Linear(1024, num_classes)

    def forward(self, x):
        return self.fc2(self.dropout(self.relu(self.fc1(self.flatten(self.conv(self.pool(x)))))))


class GoogLeNet(nn.Module):
    """torchvision's GoogLeNet; the auxiliary heads exist (and run) only with ``aux_logits``."""

    training_only = ("aux1", "aux2")  # the heads torchvision runs in training mode only

    def __init__(self, aux_logits: bool = False):
        super().__init__()
        self.conv1 = BasicConv2d(3, 64, kernel_size=7, stride=2, padding=3)
        self.maxpool1 = nn.MaxPool2d(3, 2, ceil_mode=True)
        self.conv2 = BasicConv2d(64, 64, kernel_size=1)
        self.conv3 = BasicConv2d(64, 192, kernel_size=3, padding=1)
        self.maxpool2 = nn.MaxPool2d(3, 2, ceil_mode=True)
        self.inception3a = Inception(192, 64, 96, 128, 16, 32, 32)
        self.inception3b = Inception(256, 128, 128, 192, 32, 96, 64)
        self.maxpool3 = nn.MaxPool2d(3, 2, ceil_mode=True)
        self.inception4a = Inception(480, 192, 96, 208, 16, 48, 64)
        self.inception4b = Inception(512, 160, 112, 224, 24, 64, 64)
        self.inception4c = Inception(512, 128, 128, 256, 24, 64, 64)
        self.inception4d = Inception(512, 112, 144, 288, 32, 64, 64)
        self.inception4e = Inception(528, 256, 160, 320, 32, 128, 128)
        self.maxpool4 = nn.MaxPool2d(2, 2, ceil_mode=True)
        self.inception5a = Inception(832, 256, 160, 320, 32, 128, 128)
        self.inception5b = Inception(832, 384, 192, 384, 48, 128, 128)
        self.aux1 = InceptionAux(512) if aux_logits else None
        self.aux2 = InceptionAux(528) if aux_logits else None
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.dropout = nn.Dropout(0.2)
        self.flatten = nn.Flatten()
        self.fc = nn.Linear(1024, 1000)

    def forward(self, x):
        x = self.maxpool2(self.conv3(self.conv2(self.maxpool1(self.conv1(x)))))
        x = self.maxpool3(self.inception3b(self.inception3a(x)))
        x = self.inception4a(x)
        aux = [self.aux1(x)] if self.aux1 is not None else []
        x = self.inception4d(self.inception4c(self.inception4b(x)))
        if self.aux2 is not None:
            aux.append(self.aux2(x))
        x = self.maxpool4(self.inception4e(x))
        x = self.inception5b(self.inception5a(x))
        x = self.fc(self.flatten(self.dropout(self.avgpool(x))))
        return (x, *aux) if aux else x


# -- ResNet --------------------------------------------------------------------------------------

def _projection(in_channels, out_channels, stride):
    if stride == 1 and in_channels == out_channels:
        return None
    return nn.Sequential(nn.Conv2d(in_channels, out_channels, 1, stride, bias=False), nn.BatchNorm2d(out_channels))


class BasicBlock(nn.Module):
    expansion = 1

    def __init__(self, in_channels, planes, stride=1):
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, planes, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.relu1 = nn.ReLU()
        self.conv2 = nn.Conv2d(planes, planes, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.downsample = _projection(in_channels, planes, stride)
        self.relu2 = nn.ReLU()

    def forward(self, x):
        out = self.bn2(self.conv2(self.relu1(self.bn1(self.conv1(x)))))
        identity = x if self.downsample is None else self.downsample(x)
        return self.relu2(out + identity)


class Bottleneck(nn.Module):
    """torchvision's v1.5: the stride sits on the 3×3 convolution."""

    expansion = 4

    def __init__(self, in_channels, planes, stride=1):
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, planes, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.relu1 = nn.ReLU()
        self.conv2 = nn.Conv2d(planes, planes, 3, stride, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.relu2 = nn.ReLU()
        self.conv3 = nn.Conv2d(planes, planes * 4, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(planes * 4)
        self.downsample = _projection(in_channels, planes * 4, stride)
        self.relu3 = nn.ReLU()

    def forward(self, x):
        out = self.relu1(self.bn1(self.conv1(x)))
        out = self.bn3(self.conv3(self.relu2(self.bn2(self.conv2(out)))))
        identity = x if self.downsample is None else self.downsample(x)
        return self.relu3(out + identity)


class ResNet(nn.Module):
    def __init__(self, block, depths):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 64, 7, 2, 3, bias=False)
        self.bn1 = nn.BatchNorm2d(64)
        self.relu = nn.ReLU()
        self.maxpool = nn.MaxPool2d(3, 2, 1)
        channels = 64
        for i, (planes, depth) in enumerate(zip((64, 128, 256, 512), depths)):
            blocks = []
            for j in range(depth):
                blocks.append(block(channels, planes, 2 if i and not j else 1))
                channels = planes * block.expansion
            setattr(self, f"layer{i + 1}", nn.Sequential(*blocks))
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.flatten = nn.Flatten()
        self.fc = nn.Linear(512 * block.expansion, 1000)

    def forward(self, x):
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        return self.fc(self.flatten(self.avgpool(x)))


BUILDERS = {
    "lenet5": lenet5, "lenet5-modern": lenet5_modern_module,
    "alexnet": AlexNet, "alexnet-2tower": alexnet_2tower, "vgg16": VGG16,
    "googlenet": GoogLeNet, "resnet18": lambda: ResNet(BasicBlock, (2, 2, 2, 2)),
    "resnet50": lambda: ResNet(Bottleneck, (3, 4, 6, 3)),
}


# -- counting ------------------------------------------------------------------------------------

_UNIT_LAYERS = (nn.Conv2d, nn.Linear, nn.MaxPool2d, nn.AvgPool2d, Subsampling, PartialConv2d, RBF)

# each leaf module's hyperparameters, by torch's attribute names ("bias": whether it has one)
_OPTIONS = {
    nn.Conv2d: ("in_channels", "out_channels", "kernel_size", "stride", "padding", "dilation", "groups", "bias"),
    nn.Linear: ("in_features", "out_features", "bias"),
    nn.BatchNorm2d: ("num_features", "eps", "affine"),
    nn.MaxPool2d: ("kernel_size", "stride", "padding", "ceil_mode"),
    nn.AvgPool2d: ("kernel_size", "stride", "padding", "ceil_mode"),
    nn.AdaptiveAvgPool2d: ("output_size",),
    nn.LocalResponseNorm: ("size", "alpha", "beta", "k"),
    nn.Dropout: ("p",),
    Subsampling: ("kernel_size",),
    PartialConv2d: ("table",),
}


def options(module: nn.Module) -> dict:
    """The hyperparameters of a leaf module (empty for those that have none, as ReLU)."""
    return {name: (module.bias is not None) if name == "bias" else getattr(module, name)
            for name in _OPTIONS.get(type(module), ())}


def _connections(module: nn.Module, x: torch.Tensor) -> int:
    """Per sample: the inputs each unit depends on, plus its bias.

    Probed by raising one input at a time from 0 to 1 (a batch of the unit basis) and
    counting the units whose value moves.  The module's parameters are first set in
    [0.5, 1.5], so that no connection hides behind a weight near zero; the RBF's ±1
    centres move by 1 − 2w = −1 or 3.  A max pool's value moves with its window's
    maximum alone; its wiring is that of the average pool with the same window.
    """
    fn = module
    if isinstance(module, nn.MaxPool2d):
        fn = nn.AvgPool2d(module.kernel_size, module.stride, module.padding, module.ceil_mode)
    basis = torch.eye(math.prod(x.shape[1:])).view(-1, *x.shape[1:])
    with torch.no_grad():
        for p in fn.parameters():
            p.uniform_(0.5, 1.5)
        base = fn(torch.zeros_like(basis[:1]))
        moved = (fn(basis) - base).abs()
    biased = getattr(module, "bias", None) is not None
    return int((moved > 1e-3).sum()) + (base.numel() if biased else 0)


@torch.random.fork_rng(devices=[])  # initialisation and probing leave torch's global RNG as they found it
def layer(kind: str, args: tuple, kwargs: dict, input_shape: tuple) -> dict:
    """One ``torch.nn`` module (or LeNet's, above) built as ``kind(*args, **kwargs)``: its
    output shape on an input of ``input_shape``, its parameters, MACs (FlopCounterMode) and,
    for a layer of units, the connections of one sample (probed as in :func:`count`)."""
    module = (getattr(nn, kind, None) or globals()[kind])(*args, **kwargs)
    x = torch.zeros(input_shape)
    with torch.no_grad(), FlopCounterMode(display=False) as counter:
        out = module(x)
    units = isinstance(module, _UNIT_LAYERS)
    return {"output_shape": tuple(out.shape), "params": sum(p.numel() for p in module.parameters()),
            "macs": counter.get_total_flops() // 2, "connections": _connections(module, x) if units else None}


def count(name: str, input_size, batch: int = 1, aux: bool = False, units: bool = False) -> dict:
    """Rows (leaf modules in call order: name, type, output shape, params, MACs[, neurons,
    connections]) and totals of the named network on ``(batch, *input_size)``, by torch.

    Built and run on the ``meta`` device (shapes only, no arithmetic) unless ``units``
    asks for connections, which are probed with real values.
    """
    device = "cpu" if units else "meta"
    with torch.device(device):
        model = BUILDERS[name](**({"aux_logits": True} if aux else {})).eval()
        x = torch.zeros(batch, *input_size)
    root = type(model).__name__
    rows, calls, hooks = [], [], []

    def record(module_name):
        def hook(module, inputs, output):
            rows.append({"name": module_name, "type": type(module).__name__, "output_shape": tuple(output.shape),
                         "params": sum(p.numel() for p in module.parameters()), "options": options(module),
                         "training_only": module_name.split(".")[0] in getattr(model, "training_only", ())})
            calls.append((module, inputs[0], output))
        return hook

    for module_name, module in model.named_modules():
        if module_name and not list(module.children()):
            hooks.append(module.register_forward_hook(record(module_name)))
    with torch.no_grad(), FlopCounterMode(display=False) as counter:
        model(x)
    for h in hooks:
        h.remove()
    flops = counter.get_flop_counts()
    for row, (module, input, output) in zip(rows, calls):
        row["macs"] = sum(flops.get(f"{root}.{row['name']}", {}).values()) // 2
        if units and isinstance(module, _UNIT_LAYERS):
            row["neurons"] = math.prod(output.shape[1:])
            row["connections"] = _connections(module, input)
    total = {"params": sum(p.numel() for p in model.parameters()), "macs": counter.get_total_flops() // 2}
    return {"rows": rows, "total": total}


# -- executable blocks: torch modules with the caller's weights ------------------------------------

def _functional(build, input, params):
    """The module ``build()`` run on ``input`` with ``params`` as its parameters (in
    ``named_parameters`` order), in training mode: BatchNorm uses batch statistics.
    The module is built on the meta device (no initialisation to throw away); its
    buffers, BatchNorm's running statistics, start at zero."""
    with torch.device("meta"):
        module = build().train()
    names = [n for n, _ in module.named_parameters()]
    if len(params) != len(names):
        raise ValueError(f"expected {len(names)} parameters {names}, got {len(params)}")
    buffers = {n: torch.zeros(b.shape, dtype=input.dtype if b.is_floating_point() else b.dtype, device=input.device)
               for n, b in module.named_buffers()}
    return torch.func.functional_call(module, {**dict(zip(names, params)), **buffers}, (input,))


def lenet5_modern_forward(input, params):
    return _functional(lenet5_modern_module, input, params)


def basic_block_forward(input, params, stride=1):
    return _functional(lambda: BasicBlock(params[0].shape[1], params[0].shape[0], stride), input, params)


def bottleneck_forward(input, params, stride=1):
    return _functional(lambda: Bottleneck(params[0].shape[1], params[0].shape[0], stride), input, params)


def inception_forward(input, params):
    """The Inception module whose channel counts the weights' shapes give."""
    b1, b2a, b2b, b3a, b3b, b4 = (params[i] for i in (0, 3, 6, 9, 12, 15))
    return _functional(lambda: Inception(input.shape[1], b1.shape[0], b2a.shape[0], b2b.shape[0], b3a.shape[0],
                                         b3b.shape[0], b4.shape[0], branch3_kernel=b3b.shape[-1]), input, params)
