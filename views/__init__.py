"""Presentation of query results: the network views (:mod:`.viz`), the reverse-engineering
worksheet (:mod:`.worksheet_render`) and the follow-up reports (:mod:`.report_render`)."""
