"""Loss functions and their backward passes (guide §6), from scratch in NumPy.

Names and signatures follow ``torch.nn.functional`` (without the deprecated
``size_average``/``reduce``): every loss takes ``reduction`` = ``'none'``, ``'mean'``
(the default) or ``'sum'``.  The guide's losses that torch lacks (``msle_loss``,
``mape_loss``, ``logistic_loss``, ``hinge_loss``, ``exponential_loss``) take the same
form, ``loss(input, target, reduction=...)``.

Backward convention of the chapter: ``<loss>_backward(grad_output, input, target,
**options)`` returns the gradient with respect to ``input`` only.  Targets (and
weights) are data, not parameters: their gradients are not computed, although torch's
autograd gives some of them.  ``grad_output`` has the loss's output shape: 0-d for
``'mean'`` and ``'sum'``.

Shapes and dtypes are strict: the target has the input's shape and dtype (torch
broadcasts mismatched shapes with a warning and promotes dtypes; here both are an
error).  Losses are computed in float64 and rounded once to the input's dtype.
"""

from impl.losses.binary import (
    binary_cross_entropy,
    binary_cross_entropy_backward,
    binary_cross_entropy_with_logits,
    binary_cross_entropy_with_logits_backward,
)
from impl.losses.margin import (
    exponential_loss,
    exponential_loss_backward,
    hinge_loss,
    hinge_loss_backward,
    logistic_loss,
    logistic_loss_backward,
)
from impl.losses.multiclass import cross_entropy, cross_entropy_backward, nll_loss, nll_loss_backward
from impl.losses.regression import (
    huber_loss,
    huber_loss_backward,
    l1_loss,
    l1_loss_backward,
    mape_loss,
    mape_loss_backward,
    mse_loss,
    mse_loss_backward,
    msle_loss,
    msle_loss_backward,
    relu_mse_loss,
    relu_mse_loss_backward,
    smooth_l1_loss,
    smooth_l1_loss_backward,
)

__all__ = [
    "binary_cross_entropy", "binary_cross_entropy_backward",
    "binary_cross_entropy_with_logits", "binary_cross_entropy_with_logits_backward",
    "cross_entropy", "cross_entropy_backward",
    "exponential_loss", "exponential_loss_backward",
    "hinge_loss", "hinge_loss_backward",
    "huber_loss", "huber_loss_backward",
    "l1_loss", "l1_loss_backward",
    "logistic_loss", "logistic_loss_backward",
    "mape_loss", "mape_loss_backward",
    "mse_loss", "mse_loss_backward",
    "msle_loss", "msle_loss_backward",
    "nll_loss", "nll_loss_backward",
    "relu_mse_loss", "relu_mse_loss_backward",
    "smooth_l1_loss", "smooth_l1_loss_backward",
]
