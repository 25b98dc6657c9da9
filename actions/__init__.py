"""rasa-sdk actions of Enlist Assistant. They stay thin and call into ``bot``."""
