"""HTML mode's body finder: the page's DOM blocks, their features, and the tree model that keeps or drops each.

``blocks`` walks the DOM into text blocks with the facts features need;
``markup`` reads page-level markup (og:type, JSON-LD types, title);
``vocabulary`` turns class/id/role names into generic words (nav, footer, ...);
``features`` and ``stacking`` make one row of numbers per block (the latter from
trafilatura's extractions); ``model`` loads the model file and decides.
"""
