"""Test infrastructure shipped with the package (loaded by pytest via `-p`)."""
