"""Catalog records of the neural-network basics (guide §2): perceptron, MLP, backpropagation.
"""

from formulary.catalog.basics import mlp, perceptron, xor

RECORDS = perceptron.RECORDS + xor.RECORDS + mlp.RECORDS
