"""prong.dist"""
