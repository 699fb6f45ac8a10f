"""Thin routes: parse the request, call one query or action, render."""
