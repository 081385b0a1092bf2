"""prong.lock"""
