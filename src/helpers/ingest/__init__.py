"""Raw input → validated tidy data: parsing, metadata, readers, SIE, the processed store."""
