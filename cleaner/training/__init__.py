"""Training the article model (needs ``pip install ".[train]"``: scikit-learn and numpy, never used to clean).

``labels`` marks each block of a page as article or not from its gold body,
``pages`` runs the pipeline up to the article finder on training pages,
``fit`` trains the two stages and the smoothing and writes the model file,
``crossval`` measures it on pages whose domains it never saw.
"""
