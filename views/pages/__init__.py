"""The server's app pages as data: what a page shows, its JSON and its CSV rows, built once from
the query results so the three formats never disagree."""
