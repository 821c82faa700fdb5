"""The workload: what is trained (``config``, the ``contract`` a workload file fulfils, the built-in
``mlp``), made concrete (``problem``), and the training-loop implementations (``backends``)."""
