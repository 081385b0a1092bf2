"""prong.pep508"""
