"""What orchestrates the engines: one article (``pipeline``), many (``batch``, on Ray in ``batch_ray``), and
the scores of ``diglot eval`` (``evaluate``). This layer stands above ``diglot.summarize`` and
``diglot.translate`` and below ``diglot.tui``; the contracts in ``.importlinter`` keep it so."""
