"""prong.api"""
