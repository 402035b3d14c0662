"""Open data: bulk downloads of published pledges (CSV, XLSX, JSON Lines) and the secretariat's bulk import."""
