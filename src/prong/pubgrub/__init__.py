"""prong.pubgrub"""
