"""Measuring: one synchronising clock, the devices, the one job, child processes, and the
orchestrators that repeat the job (``bench``, ``sweep``, data-parallel ranks)."""
