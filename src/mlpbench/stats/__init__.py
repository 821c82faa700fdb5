"""Statistics: pure functions and typed values over numbers (no devices, files or words).

``summary``: a set of samples → ``Summary`` (median, interval with its true coverage, caveats);
``compare``: two sets → ``Comparison`` and the one rule for claiming a difference;
``crossover``: where one device overtakes another, a cost model, break-even steps.
"""
