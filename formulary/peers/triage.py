"""The triage of every disagreement between a framework and the catalog: why each failing
record fails, in one of three classes.

``convention``       the framework's documented choice differs from torch's (TF's 'SAME',
                     Keras's per-sample losses and ε clips, optax's ε placement): the
                     record is a *deviation*, not a failure.
``framework error``  the framework's value is wrong against the 50-digit truth or its own
                     documentation: the record stays *failed*, and the triage is written so
                     that it could be filed upstream as it stands.
``adapter mistake``  the adapter mapped an option wrongly: fixed in the adapter, never
                     listed here for long.

Each entry names the checks it explains; a failure in any other check leaves the record
failed and *untriaged*, so an old explanation never hides a new failure.  The minimal
repros (input, the framework's value, the truth) are in docs/peers-triage.md, one section
per anchor.
"""

from __future__ import annotations

from dataclasses import dataclass

DOC = "docs/peers-triage.md"
CLASSES = ("convention", "framework error", "adapter mistake")


@dataclass(frozen=True)
class Triage:
    kind: str
    summary: str
    anchor: str
    checks: tuple[str, ...] = ()  # the checks it explains; empty: every value check

    def __post_init__(self):
        if self.kind not in CLASSES:
            raise ValueError(f"kind must be one of {CLASSES}, got {self.kind!r}")


def _c(anchor, summary, *checks):
    return Triage("convention", summary, anchor, checks)


def _e(anchor, summary, *checks):
    return Triage("framework error", summary, anchor, checks)


_FTZ = "subnormal inputs read as 0 (CPU flush-to-zero), and the gradient at a NaN input"
_OPT_TF = "Keras's ε placement (inside √ in Adagrad/RMSprop, on √v not √v̂ in Adam, outside the max in Adamax)"
_CKPT = "the property check is torch-checkpoint interoperability; the state is the framework's own"

TRIAGE: dict[tuple[str, str], Triage] = {
    # -- JAX -------------------------------------------------------------------------------------
    ("jax", "act.relu"): _c("subnormal-flush", _FTZ, "edges"),
    ("jax", "act.leaky_relu"): _c("kink-subgradient", "slope 1 at x = 0 and −0 (x ≥ 0), and at flushed subnormals",
                                  "edges", "backward-float32", "backward-float64"),
    ("jax", "act.celu"): _c("nan-input-gradient", "NaN gradient at a NaN input", "edges"),
    ("jax", "act.hardtanh"): _c("subnormal-flush", "a subnormal input clamps to 0 (flush-to-zero)", "edges"),
    ("jax", "act.relu6"): _c("subnormal-flush", "subnormal inputs and gradients read as 0, float64 too (XLA's CPU)",
                             "edges", "forward-float32", "forward-float64", "backward-float64"),
    ("jax", "act.hardswish"): _e("hard-sigmoid-rounding", "gradient 1 at x = 3 − ulp (x + 3 rounds to 6)", "edges"),
    ("jax", "act.mish"): _e("product-overflow", "NaN gradient at x = 3.4e38 when g ≠ 1 (g·x overflows)", "edges"),
    ("jax", "act.glu"): _e("product-overflow", "inf gradient where g·a overflows before σ′(b) = ¼ scales it",
                           "edges"),
    ("jax", "cnn.pool.avg"): _c("float32-accumulation", "reduce_window sums a float32 window in float32: "
                                "1e8 + 1 − 1e8 + 0 gives 0, torch 1", "edges"),
    ("jax", "act.elu"): _c("nan-input-gradient", "NaN gradient at a NaN input; subnormals flushed", "edges"),
    ("jax", "act.selu"): _c("nan-input-gradient", "NaN gradient at a NaN input; subnormals flushed", "edges"),
    ("jax", "act.prelu"): _c("subnormal-flush", "drawn subnormal inputs take the x ≤ 0 slope (flush-to-zero)",
                             "backward-float32", "backward-float64"),
    ("jax", "act.gelu/tanh"): _e("gelu-tanh-overflow", "NaN gradient of the tanh GELU at huge |x|", "edges"),
    ("jax", "act.silu"): _e("silu-vjp-overflow", "NaN VJP of jax.nn.silu when x·g overflows", "edges"),
    ("jax", "act.hardsigmoid"): _e("hard-sigmoid-rounding", "gradient 0 at x = 3 − ulp (x + 3 rounds to 6)", "edges"),
    ("jax", "act.softmax"): _c("zero-d-dim", "a 0-d input with dim=0 is refused", "edges", "property"),
    ("jax", "act.log_softmax"): _c("zero-d-dim", "a 0-d input with dim=0 is refused", "edges", "property"),
    ("jax", "loss.mse"): _c("subnormal-flush", "a subnormal weight reads as 0 (flush-to-zero)", "edges"),
    ("jax", "cnn.pool.max"): _e("jax-dilated-maxpool-vjp", "no VJP for dilated max pooling (NotImplementedError); "
                                "NaN windows route the gradient elsewhere",
                                "edges", "backward-float32", "backward-float64"),
    ("jax", "cnn.conv.multikernel/groups"): _e("xla-conv-input-grad-abort", "XLA aborts the process compiling the "
                                               "input gradient of a strided conv dilated along one axis",
                                               "backward-float32", "backward-float64"),
    ("jax", "loss.bce/logits"): _e("optax-sigmoid-bce-infinite-logits", "optax returns NaN at ±inf logits", "edges"),
    ("jax", "loss.mae"): _c("kink-subgradient", "|x|′(0) = 1 in JAX, 0 in torch; NaN and subnormal inputs",
                            "edges", "backward-float32", "backward-float64"),
    ("jax", "loss.smooth_l1"): _c("kink-subgradient", "β = 0 is the L1 loss: |x|′(0) = 1 in JAX, 0 in torch",
                                  "edges", "backward-float32", "backward-float64"),
    ("jax", "loss.mape"): _c("kink-subgradient", "|x|′(0) = 1 at ŷ = y; NaN input", "edges"),
    ("jax", "loss.hinge"): _c("kink-subgradient", "jnp.maximum splits the gradient ½/½ at the margin; NaN input",
                              "edges"),
    ("jax", "loss.relu_mse"): _c("kink-subgradient", "leaky_relu′(0) = 1 in JAX (x ≥ 0), 0 in torch",
                                 "edges", "backward-float32"),
    ("jax", "loss.nll"): _c("all-ignored", "every target ignored: NaN gradient of 0/0 where torch gives 0",
                            "edges", "backward-float32", "backward-float64"),
    ("jax", "loss.cross_entropy"): _c("all-ignored", "every target ignored: NaN gradient of 0/0 where torch gives 0",
                                      "edges", "backward-float32", "backward-float64"),
    ("jax", "loss.softmax_ce"): _c("all-ignored", "an ignored 0-d target: NaN gradient of 0/0", "backward-float32",
                                   "backward-float64"),
    ("jax", "loss.hinge/guide"): _c("keras-loss-clips", "the erratum check needs hinge_loss to refuse 0/1 labels; "
                                    "optax's hinge takes any label", "property"),
    ("jax", "opt.adagrad"): _c("optax-epsilon", "optax's Adagrad puts ε inside the square root: g/√(Σg² + ε)",
                               "edges", "property", "forward-float32", "forward-float64"),
    ("jax", "opt.adam"): _c("optax-epsilon", "decoupled decay as −ηλθ in the update (torch: θ(1 − ηλ) first): equal "
                            "in exact arithmetic, apart by 3e-6 after 200 closed-loop steps; " + _CKPT,
                            "property", "forward-float64"),
    ("jax", "opt.adam/amsgrad"): _c("optax-amsgrad", "optax's AMSGrad takes the max of bias-corrected v̂, torch of v",
                                    "edges", "property", "forward-float32", "forward-float64"),
    ("jax", "opt.adamw"): _c("optax-amsgrad", "the second group's amsgrad (max of v̂); " + _CKPT,
                             "property", "forward-float32", "forward-float64"),
    ("jax", "opt.nadam"): _c("optax-nadam", "optax's NAdam has no momentum-decay schedule μ_t",
                             "edges", "property", "forward-float32", "forward-float64"),
    **{("jax", rid): _c("checkpoint-format", _CKPT, "property")
       for rid in ("opt.gd", "opt.momentum", "opt.adadelta", "opt.adamax", "opt.rmsprop", "opt.rmsprop/centered")},
    # -- TensorFlow / Keras ----------------------------------------------------------------------
    ("tensorflow", "act.relu"): _c("subnormal-flush", _FTZ + " (drawn float64 subnormals too)", "edges",
                                   "backward-float64"),
    ("tensorflow", "act.leaky_relu"): _c("subnormal-flush", "slope α at the smallest subnormal (flush-to-zero)",
                                         "edges"),
    ("tensorflow", "act.elu"): _c("subnormal-flush", _FTZ, "edges"),
    ("tensorflow", "act.selu"): _c("kink-subgradient", "SeluGrad takes the right derivative at 0; subnormals flushed",
                                   "edges", "backward-float32", "backward-float64"),
    ("tensorflow", "act.prelu"): _c("subnormal-flush", "drawn subnormal inputs take the x ≤ 0 slope (flush-to-zero)",
                                    "backward-float32", "backward-float64"),
    ("tensorflow", "act.gelu/tanh"): _e("gelu-tanh-overflow", "NaN gradient of the tanh GELU at ±3.4e38", "edges"),
    ("tensorflow", "act.hardsigmoid"): _e("hard-sigmoid-rounding", "gradient 0 at x = 3 − ulp", "edges"),
    ("tensorflow", "act.softsign"): _c("infinite-inputs", "softsign′(±inf) = 0 (the limit; torch: NaN)", "edges"),
    ("tensorflow", "act.softmax"): _c("infinite-inputs", "softmax([inf, 0]) = [NaN, 0] (torch: [NaN, NaN]); a 0-d "
                                      "input with dim=0 is refused (see zero-d-dim)", "edges", "property"),
    ("tensorflow", "act.log_softmax"): _c("zero-d-dim", "a 0-d input with dim=0 is refused", "edges", "property"),
    ("tensorflow", "act.hardtanh"): _c("subnormal-flush", "±1e-45 clamps to 0 (flush-to-zero)", "edges"),
    ("tensorflow", "act.relu6"): _c("subnormal-flush", "subnormal inputs read as 0, forward and backward "
                                    "(float32 ±1e-45, float64 ~1e-310)", "edges", "forward-float64",
                                    "backward-float64"),
    ("tensorflow", "act.threshold"): _c("nan-comparisons", "keras.activations.threshold maps NaN to the value "
                                        "(x > t is false); torch keeps NaN (x ≤ t is false)", "edges"),
    ("tensorflow", "act.softshrink"): _c("nan-comparisons", "keras.activations.soft_shrink maps NaN to 0; torch keeps "
                                         "NaN; a float64 subnormal reads as 0 (gradient 0, subnormal-flush)", "edges",
                                         "backward-float64"),
    ("tensorflow", "act.hardshrink"): _c("nan-comparisons", "keras.activations.hard_shrink maps NaN to 0; torch keeps "
                                         "NaN", "edges"),
    ("tensorflow", "act.celu"): _e("keras-celu-grad-at-zero", "keras.activations.celu: gradient 2 at x = 0 (max and "
                                   "min both pass the tie to x); celu′(0) = 1", "edges", "backward-float32",
                                   "backward-float64"),
    ("tensorflow", "act.mish"): _e("product-overflow", "keras.activations.mish: NaN gradient at x = 3.4e38 (x·g "
                                   "overflows, times 0)", "edges"),
    ("tensorflow", "act.hardswish"): _e("product-overflow", "keras.activations.hard_swish: NaN gradient at x = −3.4e38 "
                                        "(x·g overflows, times 0)", "edges"),
    ("tensorflow", "act.glu"): _e("product-overflow", "keras.activations.glu: gradient inf where it is 1.2e38 (g·a "
                                  "overflows before σ′(b) = ¼ scales it)", "edges"),
    ("tensorflow", "reg.l1"): _c("nan-input-gradient", "keras.regularizers.L1: gradient NaN at a NaN weight (torch's "
                                 "sign(NaN) = 0), 0 at ±1e-45 (flush-to-zero)", "edges"),
    ("tensorflow", "loss.mse"): _c("subnormal-flush", "a subnormal weight reads as 0 (flush-to-zero)", "edges"),
    ("tensorflow", "opt.adam.rmsprop_momentum"): _c("keras-epsilon", "the claim holds Keras's Adam (β1 = 0) against "
                                                    "torch's first: ε on √v, not √v̂ (1.2e-8 apart at step 2)",
                                                    "property"),
    ("tensorflow", "reg.weight_decay"): _e("keras-float32-hyperparameters", "Keras's AdamW applies θ ← θ − θ·λ·η with "
                                           "λ = ops.cast(weight_decay, float64), 0.01 through float32: 8e-10 from Adam "
                                           "with the exact shrink", "property"),
    ("tensorflow", "opt.sgd.escape"): _e("keras-float32-hyperparameters", "SGD's momentum 0.9 enters the float64 runs "
                                         "as 0.8999999761581421 (7e-7 apart over 200 steps)", "property"),
    **{("tensorflow", rid): _e("tf-dilated-conv-grad", "Conv2DBackpropInput refuses dilation > 1 on the CPU",
                               "edges", "backward-float32", "backward-float64")
       for rid in ("cnn.pad.same", "cnn.pad.valid", "cnn.stride_dilation", "cnn.conv.multikernel/groups")},
    ("tensorflow", "cnn.pool.max"): _c("nan-input-gradient", "tf.nn.max_pool2d skips NaN in a window (torch: NaN)",
                                       "edges"),
    ("tensorflow", "lstm.cell/step"): _e("keras-lstm-empty-batch", "LSTMCell fails on an empty batch (BiasAdd)",
                                         "edges"),
    ("tensorflow", "loss.bce"): _c("keras-loss-clips", "binary_crossentropy clips p to [1e-7, 1 − 1e-7]",
                                   "edges", "forward-float32", "forward-float64",
                                   "backward-float32", "backward-float64"),
    ("tensorflow", "loss.bce/logits"): _e("tf-weighted-ce-grad-at-zero", "weighted_cross_entropy_with_logits: wrong "
                                          "gradient at logit 0", "edges", "backward-float32", "backward-float64"),
    ("tensorflow", "loss.msle"): _c("keras-loss-clips", "MSLE clips its arguments at 1e-7: values and gradients of "
                                    "any input or target below it are those of 1e-7", "edges", "forward-float64",
                                    "backward-float32", "backward-float64"),
    ("tensorflow", "loss.mape"): _c("keras-loss-clips", "MAPE divides by max(|y|, 1e-7); NaN input", "edges"),
    ("tensorflow", "loss.hinge"): _c("nan-input-gradient", "gradient 0 at a NaN input (torch: g)", "edges"),
    ("tensorflow", "loss.smooth_l1"): _e("keras-huber-nan-gradient", "keras.losses.huber: NaN gradient at huge errors "
                                         "(tf.where over an overflowing branch)", "edges"),
    ("tensorflow", "loss.smooth_l1/huber"): _e("keras-huber-nan-gradient", "keras.losses.huber: NaN gradient at huge "
                                               "errors", "edges"),
    ("tensorflow", "loss.relu_mse"): _c("subnormal-flush", "leaky_relu′ at 1e-45 is 0 (flush-to-zero)", "edges"),
    ("tensorflow", "loss.nll"): _c("all-ignored", "every target ignored: NaN gradient of 0/0", "edges",
                                   "backward-float32", "backward-float64"),
    ("tensorflow", "loss.cross_entropy"): _c("all-ignored", "every target ignored: NaN gradient of 0/0", "edges",
                                             "backward-float32", "backward-float64"),
    ("tensorflow", "loss.msle/guide"): _c("keras-loss-clips", "the erratum check needs MSLE > 0 at ŷ = −0.5; Keras "
                                          "clips it to 0 as the guide does", "property"),
    ("tensorflow", "loss.mape/guide"): _c("keras-loss-clips", "MAPE at y = 0 is 1e9 % (ε = 1e-7), not inf", "property"),
    ("tensorflow", "loss.hinge/guide"): _c("keras-loss-clips", "keras.losses.hinge accepts 0/1 labels (read as ±1)",
                                           "property"),
    ("tensorflow", "loss.softmax_ce"): _c("all-ignored", "an ignored 0-d target: NaN gradient of 0/0",
                                          "edges", "backward-float32", "backward-float64"),
    ("tensorflow", "loss.cross_entropy/probs"): _e("tf-softmax-ce-masked-class", "softmax_cross_entropy_with_logits: "
                                                   "NaN for a −inf logit whose label is 0", "edges"),
    ("tensorflow", "loss.mae"): _c("nan-input-gradient", "NaN gradient at a NaN input (torch: −0)", "edges"),
    ("tensorflow", "cnn.conv.single"): _e("tf-conv-empty-batch", "tf.nn.conv2d of an empty batch keeps the input's "
                                          "spatial shape", "edges"),
    ("tensorflow", "cnn.batchnorm"): _e("tf-moments-constant-channel", "a constant float32 channel: x̂ ≠ 0 after "
                                        "tf.nn.moments, weight gradient −4.2e-5 for 0", "edges"),
    ("tensorflow", "lstm.sequence"): _c("float32-accumulation", "float32 gradient through 5 steps with weights ±25: "
                                        "2e-5 relative for a 1.6e-5 tolerance", "edges"),
    **{("tensorflow", rid): _e("keras-float32-hyperparameters", "SGD's momentum 0.9 enters float64 training as "
                               "0.8999999761581421 (keras.ops.cast of a Python float goes through float32)",
                               "property", "forward-float64")
       for rid in ("opt.momentum", "opt.momentum.ravine", "opt.rmsprop.damping")},
    **{("tensorflow", rid): _c("keras-epsilon", _OPT_TF + "; " + _CKPT,
                               "edges", "property", "forward-float32", "forward-float64")
       for rid in ("opt.adagrad", "opt.adam", "opt.adam/amsgrad", "opt.adamax", "opt.adamw", "opt.rmsprop",
                   "opt.rmsprop/centered")},
    ("tensorflow", "opt.nadam"): _c("keras-nadam", "Keras's Nadam bookkeeping of the μ_t product differs from torch's "
                                    "(1e-4 apart after one step)", "edges", "property", "forward-float32",
                                    "forward-float64"),
    **{("tensorflow", rid): _c("checkpoint-format", _CKPT, "property") for rid in ("opt.gd", "opt.adadelta")},
}


def apply(peer: str, record_id: str, entry: dict) -> None:
    """Mark ``entry`` (a peer's result on a record) with its triage: fail → deviation for a convention."""
    t = TRIAGE.get((peer, record_id))
    if t is None:
        return
    link = {"class": t.kind, "summary": t.summary, "link": f"{DOC}#{t.anchor}"}
    if entry["status"] == "pass":
        entry["stale_triage"] = link  # the disagreement is gone: the entry should go
        return
    failing = {c for c, s in entry["checks"].items() if s in ("fail", "error")}
    unexplained = sorted(failing - set(t.checks)) if t.checks else []
    entry["triage"] = link
    if unexplained:
        entry["untriaged_checks"] = unexplained
        return
    if t.kind == "convention":
        entry["status"] = "deviation"
