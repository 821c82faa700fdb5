"""Results: the typed, versioned model of everything measured (``model``), reading and writing it
(``files``, ``migrate``), and what can be derived from it (``checks``, ``analysis``, ``sweep``)."""
