"""prong.resolver"""
