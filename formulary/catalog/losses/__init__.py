"""Catalog records of the loss chapter (guide §6): one module per group of losses."""

from formulary.catalog.losses import classification, errata, multiclass, pairings, regression

RECORDS = (*regression.RECORDS, *classification.RECORDS, *multiclass.RECORDS, *pairings.RECORDS, *errata.RECORDS)
