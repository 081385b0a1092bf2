"""prong.pep440"""
