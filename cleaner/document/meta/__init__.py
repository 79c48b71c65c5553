"""Title, authors and date from plain text: learned rankers over generic candidates.

``page`` gathers what the rankers know of a page (built from the article
finder's view, no second pass over the text), ``title``, ``authors`` and
``published`` list the candidates with their features (``names`` and
``datefinder`` read bylines and dates in several languages), ``ranker`` scores
them with the linear model in ``cleaner/data/metadata_model.json`` (trained by
``cleaner train --metadata``), and ``extract`` runs it all on one page.
"""
