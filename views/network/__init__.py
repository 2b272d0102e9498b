"""The network views' parts, one job each: the data of a view (:mod:`.model`), what to draw
(:mod:`.nodes`, :mod:`.select`, :mod:`.match`, :mod:`.filters`), how it looks (:mod:`.style`), where
nodes go (:mod:`.layout`) and the HTML page (:mod:`.render`). :mod:`psikg.views.viz` is their public face."""
