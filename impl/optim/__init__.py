"""Optimizers and learning-rate schedules (guide §5) with ``torch.optim``'s names.

``torch.optim``'s optimizers over lists of NumPy arrays, updated in place by
``step(grads)``; ``lr_scheduler`` holds the schedules; ``minibatch_descent`` is the
training loop behind the guide's three batch regimes (SGD, BGD, MBGD).
"""

from impl.optim import lr_scheduler
from impl.optim.adadelta import Adadelta
from impl.optim.adagrad import Adagrad
from impl.optim.adam import Adam, AdamW
from impl.optim.adamax import Adamax
from impl.optim.minibatch import minibatch_descent
from impl.optim.nadam import NAdam
from impl.optim.optimizer import Optimizer
from impl.optim.rmsprop import RMSprop
from impl.optim.sgd import SGD

__all__ = ["Optimizer", "SGD", "Adagrad", "Adadelta", "RMSprop", "Adam", "AdamW", "Adamax", "NAdam",
           "lr_scheduler", "minibatch_descent"]
