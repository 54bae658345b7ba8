"""The production profile: nginx template, endpoints, environment example and launcher."""
