"""prong.cli"""
