"""The guide's remaining claims, each a seeded experiment with its figure (kind C).

One module per claim or family of claims; each check uses only ``candidate.get(...)``
functions, so a swapped candidate is what the experiment measures, and holds the
candidate against torch where torch has the same computation.
"""

from formulary.catalog.claims import activations, adam, batch, counts, escape, leaky, losses, pooling, training

RECORDS = (activations.RECORDS + adam.RECORDS + escape.RECORDS + batch.RECORDS + losses.RECORDS + counts.RECORDS
           + pooling.RECORDS + training.RECORDS + leaky.RECORDS)
