"""Linked open data: the RDF mapping of the graph (:mod:`.rdf`), the SPARQL store built from it
(:mod:`.sparql`) and the HTTP server that publishes both (:mod:`.server`)."""
