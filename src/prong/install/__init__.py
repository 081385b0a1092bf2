"""prong.install"""
