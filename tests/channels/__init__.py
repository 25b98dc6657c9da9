"""The socket.io channel with third-party clients: python-socketio and rasa-webchat."""
