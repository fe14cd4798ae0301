"""What each page shows, as plain data: the HTML pages render it and the /api/ routes return it as JSON."""
