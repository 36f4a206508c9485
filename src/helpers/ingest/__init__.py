"""Raw input → validated tidy data: parsing, metadata, published tables, SIE and month folders, the
tidy schema and the processed store (atomic publish)."""
