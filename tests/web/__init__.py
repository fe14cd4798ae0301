"""Tests of the web app (a package, so its conftest does not take the plain name `conftest`)."""
