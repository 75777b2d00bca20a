"""The standard global-optimisation test problems of the search chapter's experiments, on plain
float vectors: Holder table, Branin, Goldstein–Price, Hartmann-3/6 and Rosenbrock, with their
boxes and global minima (Surjanovic & Bingham's Virtual Library of Simulation Experiments)."""

from __future__ import annotations

import math

import numpy as np


def holder_table(x):
    x1, x2 = x
    return -abs(math.sin(x1) * math.cos(x2) * math.exp(abs(1 - math.sqrt(x1 * x1 + x2 * x2) / math.pi)))


def branin(x):
    x1, x2 = x
    a = x2 - 5.1 / (4 * math.pi**2) * x1**2 + 5 / math.pi * x1 - 6
    return a**2 + 10 * (1 - 1 / (8 * math.pi)) * math.cos(x1) + 10


def goldstein_price(x):
    x1, x2 = x
    a = 1 + (x1 + x2 + 1) ** 2 * (19 - 14 * x1 + 3 * x1**2 - 14 * x2 + 6 * x1 * x2 + 3 * x2**2)
    b = 30 + (2 * x1 - 3 * x2) ** 2 * (18 - 32 * x1 + 12 * x1**2 + 48 * x2 - 36 * x1 * x2 + 27 * x2**2)
    return a * b


_H3_A = np.array([[3.0, 10, 30], [0.1, 10, 35], [3.0, 10, 30], [0.1, 10, 35]])
_H3_P = 1e-4 * np.array([[3689, 1170, 2673], [4699, 4387, 7470], [1091, 8732, 5547], [381, 5743, 8828]])
_H6_A = np.array([[10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14],
                  [3, 3.5, 1.7, 10, 17, 8], [17, 8, 0.05, 10, 0.1, 14]])
_H6_P = 1e-4 * np.array([[1312, 1696, 5569, 124, 8283, 5886], [2329, 4135, 8307, 3736, 1004, 9991],
                         [2348, 1451, 3522, 2883, 3047, 6650], [4047, 8828, 8732, 5743, 1091, 381]])
_ALPHA = np.array([1.0, 1.2, 3.0, 3.2])


def hartmann3(x):
    return -float(_ALPHA @ np.exp(-np.sum(_H3_A * (np.asarray(x) - _H3_P) ** 2, axis=1)))


def hartmann6(x):
    return -float(_ALPHA @ np.exp(-np.sum(_H6_A * (np.asarray(x) - _H6_P) ** 2, axis=1)))


def rosenbrock(x):
    x1, x2 = x
    return (1 - x1) ** 2 + 100 * (x2 - x1**2) ** 2


PROBLEMS = {  # name: (f, lower, upper, global minimum)
    "Holder table": (holder_table, [-10.0, -10.0], [10.0, 10.0], -19.2085025678868),
    "Branin": (branin, [-5.0, 0.0], [10.0, 15.0], 5 / (4 * math.pi)),
    "Goldstein-Price": (goldstein_price, [-2.0, -2.0], [2.0, 2.0], 3.0),
    "Hartmann-3": (hartmann3, [0.0] * 3, [1.0] * 3, -3.86278214782076),
    "Hartmann-6": (hartmann6, [0.0] * 6, [1.0] * 6, -3.32236801141551),
    "Rosenbrock": (rosenbrock, [-2.0, -2.0], [2.0, 2.0], 0.0),
}
