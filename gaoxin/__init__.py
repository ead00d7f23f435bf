"""Gaoxin (高新): the digital office of a high-tech zone administration."""
