"""prong.cli.commands"""
