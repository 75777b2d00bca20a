"""Catalog records of the convolution chapter (guide §7: CNN卷积神经网络).

Convolution (single channel, several channels, several kernels, groups, the guide's
TensorFlow layout), padding ('same' at any stride, 'valid', explicit), stride and
dilation, pooling, the fully connected layer, batch normalisation, the counting of
parameters, MACs and FLOPs, and the guide's training procedure on a small CNN.
"""

from formulary.catalog.conv import batchnorm, convolution, counting, linear, padding, pooling, training

RECORDS = (convolution.RECORDS + padding.RECORDS + pooling.RECORDS + linear.RECORDS + counting.RECORDS
           + batchnorm.RECORDS + training.RECORDS)
