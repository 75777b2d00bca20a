"""Catalog records of hyperparameter search (guide §3): grid, random, Bayesian, LIPO,
trust region, and the train / validation / test procedure; one module per method.

The search loops have no torch counterpart: their records check properties (coverage,
bounds, seeds, LIPO's acceptance rule, monotone trust-region centres) with the
candidate's own classes.  Their formulas (the Gaussian-process posterior, expected
improvement, LIPO's bound and estimate, torch's split sizes) are compared with torch.
"""

from formulary.catalog.search import bayes, bayes_oracles, lipo, lipo_claim, maxlipo, sampling, split, tpe, trust_region

RECORDS = (*sampling.RECORDS, *bayes.RECORDS, *bayes_oracles.RECORDS, *trust_region.RECORDS, *lipo.RECORDS,
           *maxlipo.RECORDS, *lipo_claim.RECORDS, *tpe.RECORDS, *split.RECORDS)
