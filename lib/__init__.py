"""Content Studio: everything that is not page layout."""
