"""Live hand-off to a recruiter (issue 15 §1): staffed hours, the hand-off store, the link
to the Rasa server (pause, resume, staff messages), the student's push stream and the
expiry of requests nobody took. See docs/portal.md "Live hand-off"."""
