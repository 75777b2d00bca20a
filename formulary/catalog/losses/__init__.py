"""Catalog records of the loss chapter (guide §6): one module per group of losses."""

from formulary.catalog.losses import classification, errata, pairings, regression

RECORDS = (*regression.RECORDS, *classification.RECORDS, *pairings.RECORDS, *errata.RECORDS)
