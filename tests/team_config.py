"""The configuration a team writes for ``annotator-plan`` (tests of the CLI and of bad inputs)."""

TEAM_TOML = """
name = "team"
U0 = 0.0
wage_bounds = [-10.0, 10.0]
[G]
kind = "cara"
rate = 1.0
scale = 1.0
[E]
coefficients = [0.0, 0.02, 0.18]
[mu]
kind = "exp"
scale = 0.5
rate = 1.2
"""
