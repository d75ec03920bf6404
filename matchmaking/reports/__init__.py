"""The yearly handbooks and the ranking as PDF/XLSX, generated in the background."""
