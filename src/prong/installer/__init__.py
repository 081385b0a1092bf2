"""prong.installer"""
