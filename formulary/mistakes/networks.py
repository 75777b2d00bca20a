"""Known mistakes of the classic-networks chapter: what a learner or a careless counter writes.

Each is a complete wrong implementation with impl's signature: a network builder, the
summary, one of the guide's LeNet formulas, or an executable block.  Most are built
from impl's own pieces with the one wrong detail changed, so the mistake is that
detail and nothing else.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from impl import networks as N
from impl.activations import relu_backward
from impl.networks.graph import Concat, Residual, Sequential
from impl.networks.layers import AvgPool2d, BatchNorm2d, Conv2d, Layer, Linear, ReLU

# -- editing a network tree -------------------------------------------------------------


def _edit(node, path: str, change):
    """``node`` with the child at dotted ``path`` replaced by ``change(child)``."""
    head, _, rest = path.partition(".")
    replace = (lambda child: _edit(child, rest, change)) if rest else change
    if isinstance(node, Sequential):
        if head not in dict(node.children):
            raise KeyError(path)
        return Sequential(tuple((n, replace(c) if n == head else c) for n, c in node.children))
    if isinstance(node, Residual):
        return dataclasses.replace(node, **{head: replace(getattr(node, head))})
    return dataclasses.replace(node, branches=tuple((n, replace(b) if n == head else b) for n, b in node.branches))


def _map_leaves(node, change):
    """``node`` with every leaf replaced by ``change(leaf)``."""
    if isinstance(node, Layer):
        return change(node)
    if isinstance(node, Sequential):
        return Sequential(tuple((n, _map_leaves(c, change)) for n, c in node.children))
    if isinstance(node, Residual):
        return Residual(*(None if part is None else _map_leaves(part, change)
                          for part in (node.body, node.shortcut, node.after)))
    if isinstance(node, Concat):
        return Concat(tuple((n, _map_leaves(b, change)) for n, b in node.branches))
    return dataclasses.replace(node, head=_map_leaves(node.head, change))  # Aux


def _counted_as(network, change, input_size, batch, aux):
    """The summary of ``network`` with its leaves changed as a learner misreads them."""
    return N.summary(dataclasses.replace(network, body=_map_leaves(network.body, change)), input_size, batch, aux)


def _edited(network, path, change):
    return dataclasses.replace(network, body=_edit(network.body, path, change))


def _rows(summary, change):
    """The summary with each row passed through ``change(row) -> row``, totals recomputed."""
    return N.Summary(summary.network, summary.input_size, tuple(change(r) for r in summary.rows), summary.notes)


# -- LeNet-5 (1998) ---------------------------------------------------------------------

def lenet5_c3_fully_connected():
    """C3 wired to all six S2 maps: 2,416 parameters and 241,600 connections instead of
    1,516 and 151,600 (the modern habit read back into the 1998 network)."""
    return _edited(N.lenet5(), "c3", lambda _: Conv2d(6, 16, 5))


def lenet5_subsampling_as_pooling():
    """S2 and S4 as plain average pooling: their 2·C trainable coefficients and biases lost."""
    net = _edited(N.lenet5(), "s2", lambda _: AvgPool2d(2))
    return _edited(net, "s4", lambda _: AvgPool2d(2))


def summary_rbf_centres_trainable(network, input_size=None, batch=1, aux=False):
    """The RBF output's 84 × 10 fixed centres counted as trainable: 60,840, not 60,000."""
    def change(r):
        return dataclasses.replace(r, params=r.params + r.connections) if r.kind == "RBF" else r
    return _rows(N.summary(network, input_size, batch, aux), change)


def summary_connections_without_bias(network, input_size=None, batch=1, aux=False):
    """Connections without the bias: a unit's window only (C1: 117,600 instead of 122,304)."""
    def change(r):
        if r.connections is None or r.kind in ("RBF", "MaxPool2d", "AvgPool2d"):
            return r
        return dataclasses.replace(r, connections=r.connections - r.neurons)
    return _rows(N.summary(network, input_size, batch, aux), change)


# -- the guide's formulas, as printed ------------------------------------------------------

def lenet_conv_params_as_printed(kernels, kernel_h, kernel_w, in_maps, bias=True):
    """The guide's K(k_w k_h + 1): the input maps a kernel spans left out (C3: 416)."""
    return kernels * (kernel_h * kernel_w + 1)


def lenet_connections_as_printed(kernels, kernel_h, kernel_w, out_h, out_w, in_maps, bias=True):
    """The guide's K(k_w k_h + 1) W_out H_out: the input maps left out (C3: 41,600)."""
    return kernels * (kernel_h * kernel_w + 1) * out_w * out_h


def lenet_connections_without_bias(kernels, kernel_h, kernel_w, out_h, out_w, in_maps, bias=True):
    """Σ M_j k_h k_w W_out H_out: the bias connection of every unit forgotten."""
    maps = in_maps if isinstance(in_maps, (tuple, list)) else [in_maps] * kernels
    return sum(maps) * kernel_h * kernel_w * out_h * out_w


# -- counting, for any network ------------------------------------------------------------

def summary_bias_forgotten(network, input_size=None, batch=1, aux=False):
    """k·k·C_in·C_out only: the biases of convolutions and linear layers left out."""
    def change(leaf):
        return dataclasses.replace(leaf, bias=False) if isinstance(leaf, (Conv2d, Linear)) else leaf
    return _counted_as(network, change, input_size, batch, aux)


def summary_flops_as_macs(network, input_size=None, batch=1, aux=False):
    """FLOPs reported as MACs: every multiply-accumulate counted twice, as FlopCounterMode's FLOPs."""
    return _rows(N.summary(network, input_size, batch, aux), lambda r: dataclasses.replace(r, macs=2 * r.macs))


def summary_batchnorm_forgotten(network, input_size=None, batch=1, aux=False):
    """BatchNorm's γ and β not counted as parameters (only the convolutions and FCs)."""
    def change(leaf):
        return dataclasses.replace(leaf, affine=False) if isinstance(leaf, BatchNorm2d) else leaf
    return _counted_as(network, change, input_size, batch, aux)


def summary_conv_bias_assumed(network, input_size=None, batch=1, aux=False):
    """A bias counted on every convolution, also those followed by BatchNorm, which have none."""
    def change(leaf):
        return dataclasses.replace(leaf, bias=True) if isinstance(leaf, Conv2d) else leaf
    return _counted_as(network, change, input_size, batch, aux)


def summary_aux_heads_counted(network, input_size=None, batch=1, aux=False):
    """GoogLeNet's auxiliary classifiers counted at inference: 13.0 M parameters, not 6.6 M."""
    return N.summary(network, input_size, batch, aux=True)


# -- AlexNet ------------------------------------------------------------------------------

def alexnet_2tower_groups_ignored():
    """The two towers read as one: conv2, conv4 and conv5 as full convolutions (groups=1)."""
    net = N.alexnet_2tower()
    for name in ("conv2", "conv4", "conv5"):
        net = _edited(net, name, lambda c: dataclasses.replace(c, groups=1))
    return net


def alexnet_2tower_conv3_grouped():
    """conv3 split between the GPUs too; in the paper it reads every map of both."""
    return _edited(N.alexnet_2tower(), "conv3", lambda c: dataclasses.replace(c, groups=2))


# -- ResNet ----------------------------------------------------------------------------------

def resnet18_stem_padding_1():
    """The 7×7 stem convolution with padding 1 (a 3×3 habit) instead of 3: 110×110 after it, not 112×112."""
    return _edited(N.resnet18(), "conv1", lambda c: dataclasses.replace(c, padding=1))


def resnet50_stem_padding_0():
    """The 7×7 stem convolution without padding: 109×109 after it, not 112×112."""
    return _edited(N.resnet50(), "conv1", lambda c: dataclasses.replace(c, padding=0))


def resnet50_stride_on_first_1x1():
    """The stride on each first bottleneck's 1×1 (ResNet v1, Caffe) instead of its 3×3
    (torchvision's v1.5): the same parameters, fewer MACs."""
    net = N.resnet50()
    for stage in ("layer2", "layer3", "layer4"):
        net = _edited(net, f"{stage}.0.body", _stride_on_first)
    return net


def _stride_on_first(body: Sequential) -> Sequential:
    kids = dict(body.children)
    stride = kids["conv2"].stride
    kids["conv1"] = dataclasses.replace(kids["conv1"], stride=stride)
    kids["conv2"] = dataclasses.replace(kids["conv2"], stride=1)
    return Sequential(tuple((n, kids[n]) for n, _ in body.children))


# -- executable blocks -----------------------------------------------------------------------

def _relu_before_add(block: Residual) -> Residual:
    """relu(F(x)) + S(x): the final ReLU moved into the body, before the sum."""
    return Residual(Sequential((*block.body.children, *block.after.children)), block.shortcut, Sequential(()))


def _lenet_avg_pool():
    net = N.lenet5_modern().body
    return _edit(_edit(net, "pool1", lambda _: AvgPool2d(2)), "pool2", lambda _: AvgPool2d(2))


def lenet5_modern_avg_pool(input, params):
    """Average pooling where LeNet-5 (modern) max-pools."""
    return N.forward(_lenet_avg_pool(), input, params)


def lenet5_modern_relu_on_logits(input, params):
    """A ReLU after the last layer: the negative logits clipped to 0."""
    net = N.lenet5_modern().body
    return N.forward(Sequential((*net.children, ("relu5", ReLU()))), input, params)


def lenet5_modern_backward_spread_pool(grad_output, input, params):
    """Max pooling's gradient spread over the whole window (average pooling's) instead of
    sent to the maximum alone."""
    return N.backward(grad_output, _lenet_avg_pool(), input, params)


def _block(kind, input, params, stride):
    w = np.asarray(params[0])
    return kind(w.shape[1], w.shape[0], stride)


def basic_block_relu_before_add(input, params, stride=1):
    """relu(F(x)) + x instead of relu(F(x) + x)."""
    return N.forward(_relu_before_add(_block(N.basic_block, input, params, stride)), input, params)


def basic_block_no_final_relu(input, params, stride=1):
    """F(x) + x with the ReLU after the sum forgotten."""
    block = _block(N.basic_block, input, params, stride)
    return N.forward(dataclasses.replace(block, after=Sequential(())), input, params)


def bottleneck_relu_before_add(input, params, stride=1):
    """relu(F(x)) + x instead of relu(F(x) + x)."""
    return N.forward(_relu_before_add(_block(N.bottleneck, input, params, stride)), input, params)


def bottleneck_stride_on_first_1x1(input, params, stride=1):
    """ResNet v1's placement: the stride on the first 1×1 (it skips 3 of every 4 positions
    before the 3×3 sees them) where torchvision's v1.5 puts it on the 3×3."""
    block = _block(N.bottleneck, input, params, stride)
    return N.forward(dataclasses.replace(block, body=_stride_on_first(block.body)), input, params)


def _no_skip_gradient(kind, grad_output, input, params, stride):
    """The VJP of a residual block with the gradient through the shortcut's input dropped."""
    block = _block(kind, input, params, stride)
    y = N.forward(block, input, params)
    g_sum = relu_backward(grad_output, y)  # y > 0 exactly where the sum is
    n_body = len(N.weight_shapes(block.body))
    g_x, g_body = N.backward(g_sum, block.body, input, params[:n_body])
    g_short = N.backward(g_sum, block.shortcut, input, params[n_body:])[1] if block.shortcut else ()
    return g_x, (*g_body, *g_short)


def basic_block_backward_skip_dropped(grad_output, input, params, stride=1):
    """The input's gradient from the body alone: the shortcut's path forgotten."""
    return _no_skip_gradient(N.basic_block, grad_output, input, params, stride)


def bottleneck_backward_skip_dropped(grad_output, input, params, stride=1):
    """The input's gradient from the body alone: the shortcut's path forgotten."""
    return _no_skip_gradient(N.bottleneck, grad_output, input, params, stride)


def _inception_spec(input, params):
    widths = [np.asarray(params[i]).shape[0] for i in (0, 3, 6, 9, 12, 15)]
    return N.inception(np.asarray(input).shape[1], *widths, branch3_kernel=np.asarray(params[12]).shape[-1])


def inception_branches_swapped(input, params):
    """The 3×3 branch's maps concatenated before the 1×1 branch's."""
    y = N.inception_forward(input, params)
    n1, n3 = np.asarray(params[0]).shape[0], np.asarray(params[6]).shape[0]
    return np.concatenate([y[:, n1:n1 + n3], y[:, :n1], y[:, n1 + n3:]], axis=1)


def inception_avg_pool_branch(input, params):
    """Average pooling in the pool branch, where GoogLeNet max-pools."""
    spec = _inception_spec(input, params)
    pool = AvgPool2d(3, 1, 1, ceil_mode=True)
    return N.forward(_edit(spec, "branch4.0", lambda _: pool), input, params)


def inception_backward_first_branch_only(grad_output, input, params):
    """The input's gradient from the 1×1 branch alone: the branches' gradients not summed."""
    spec = _inception_spec(input, params)
    _, grads = N.backward(grad_output, spec, input, params)
    n1 = spec.branches[0][1].children[0][1].out_channels
    g_first, _ = N.backward(grad_output[:, :n1], spec.branches[0][1], input, params[:3])
    return g_first, grads
