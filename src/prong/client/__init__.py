"""prong.client"""
