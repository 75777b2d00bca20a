"""impl.regularization's penalties over Keras and ``tf.nn`` (backward: ``tf.GradientTape``).

The L1 penalty λΣ|w| is ``keras.regularizers.L1(λ)``; the L2 penalty (λ/2)Σw² is λ·``tf.nn.l2_loss``
(``sum(t²)/2``).  Keras's ``L2(l2)`` is l2·Σw² without the half, so it would take λ/2.  Dropout draws its
own mask (``tf.nn.dropout`` has no mask argument): not provided, nor are the stopping rules.
"""

from __future__ import annotations

from formulary.peers.tensorflow import backward, forward, keras, tf


def _l1(input, weight=1.0):
    x = tf().convert_to_tensor(input)
    return keras().regularizers.L1(weight)(x)


def _l2(input, weight=1.0):
    x = tf().convert_to_tensor(input)
    return tf().constant(weight, dtype=x.dtype) * tf().nn.l2_loss(x)  # not tf.cast: it takes a float through float32


l1_penalty, l1_penalty_backward = forward(_l1), backward(_l1)
l2_penalty, l2_penalty_backward = forward(_l2), backward(_l2)
