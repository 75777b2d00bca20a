"""Catalog records of the classic-networks chapter (guide §8: 经典网络介绍).

Two kinds of record:

* **layer tables** (kind E): each network's summary -- every layer's output shape,
  parameters and MACs (LeNet-5: also neurons and connections) and the totals -- held
  row by row against the same network built as torch modules and counted by torch
  (``sum(p.numel())``, FlopCounterMode, forward hooks), at the network's own input
  size and at a small, odd, non-square one with a batch of 2; and the totals against
  the published numbers (LeCun et al. 1998; torchvision's model documentation);
* **executable blocks** (kind E, as the inventory has every arch.* ID; compared like
  formulas): the modern LeNet-5, ResNet's basic and bottleneck
  blocks and an Inception module, forward and backward against torch modules run with
  the same weights.

The guide's section is images but for the five LeNet-5 counting formulas (lines
883-887 of the seed text); the record ``arch.lenet5/guide`` checks those.
"""

from formulary.catalog.networks import alexnet_vgg, googlenet, lenet, resnet

RECORDS = lenet.RECORDS + alexnet_vgg.RECORDS + googlenet.RECORDS + resnet.RECORDS
