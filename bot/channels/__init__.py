"""Rasa input channels of Enlist Assistant."""
