"""The learned article finder: which blocks that no rule decided belong to the article.

``features`` turns a page's blocks into rows of numbers, ``model`` scores them
(a logistic stage, then boosted trees that also see the logistic scores of the
neighbourhood, then Viterbi smoothing over the page) and explains each removal
by the feature that pushed the block out most. The model is data
(``cleaner/data/article_model.json``), trained by ``cleaner train``.
"""
