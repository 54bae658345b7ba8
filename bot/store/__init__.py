"""The project's own tables and the stores that read and write them."""
