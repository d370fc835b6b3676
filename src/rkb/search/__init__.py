"""Search: one index built with the site, the same analysis and ranking in Python and JS."""
