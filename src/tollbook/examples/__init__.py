"""Example data sets that demonstrate Tollbook; all SYNTHETIC (generated, not real people).

`tollbook.examples.iran2019.generate` writes the Iran 2019 example lists.
"""
