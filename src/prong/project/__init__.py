"""prong.project"""
